// The dashboard's pages, in navigation order. A page module exports `render(main, context)`; it builds its
// content with el() and may return a cleanup function. To add a page (e.g. Review), add one line here and a
// module beside this one: the router, the navigation and the e2e page walk pick it up from this list.
export const pages = [
  { id: 'capacity', title: 'Capacity', load: () => import('./capacity.js') },
  { id: 'teams', title: 'Teams', load: () => import('./teams.js') },
  { id: 'plan', title: 'Plan', load: () => import('./plan.js') },
  { id: 'what-if', title: 'What-if', load: () => import('./what-if.js') },
  { id: 'history', title: 'History', load: () => import('./history.js') },
  { id: 'review', title: 'Review', load: () => import('./review.js') },
  { id: 'fleet', title: 'Fleet', load: () => import('./fleet.js') },
];
