// drizzle-kit's config (a default export is what the tool requires). `npx drizzle-kit generate` writes migrations/.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/store/sqlite/schema.ts',
  out: './migrations',
});
