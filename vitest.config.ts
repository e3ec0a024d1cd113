// Unit tests: fast, Node-only. Anything needing a real browser lives in e2e/ (Playwright).
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'devtools/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'e2e/**', 'dist/**'],
    environment: 'node',
  },
})
