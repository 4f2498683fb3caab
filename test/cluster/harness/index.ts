/** The cluster test harness: a real control plane, identities, seeding. See docs/testing.md. */
export { locateControlPlaneBinaries, requireControlPlaneBinaries } from './binaries.js';
export { controlPlaneSuiteOptions } from './suite.js';
export type { BinaryLookup, ControlPlaneBinaries } from './binaries.js';
export { connect, writeKubeconfig } from './clients.js';
export type { KubeClients } from './clients.js';
export { installProfileCrd, readerClusterRole, startControlPlane } from './control-plane.js';
export type { ControlPlane, ControlPlaneOptions, ControlPlaneTimings } from './control-plane.js';
export { boundPodObject, limitRangeObject, namespaceObject, nodeObject, profileObject, resourceQuotaObject } from './objects.js';
export type { BoundPodOptions, NodeOptions, ProfileObject, ResourceList } from './objects.js';
export { identityNamespace, readOnlyRules, rulesWithout } from './rbac.js';
export type { Permission } from './rbac.js';
export { apiErrorMessage, seedDump, seedObjects } from './seed.js';
export type { SeedOptions, SeedReport } from './seed.js';
export { apiRefusal, plain, quantityValues } from './values.js';
export type { ApiRefusal } from './values.js';
export { waitUntil } from './wait.js';
export { locateTool, toolPath, toolSuiteOptions } from './tools.js';
export type { ToolLookup, ToolName } from './tools.js';
