// drizzle-kit's config for the PostgreSQL store (a default export is what the tool requires).
// `npx drizzle-kit generate --config drizzle.postgres.config.ts` writes migrations/postgres/.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/postgres/schema.ts',
  out: './migrations/postgres',
});
