// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The dependency rule: src/ is the core and never reaches up into entry points.
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/compose.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/workers/**', '../../workers/*', '../workers/*'],
              message: 'src/ must not import workers/ (entry point).',
            },
            {
              // src/feeds/ (rendering) is in the core; the top-level feeds/ (HTTP) is not.
              group: ['../../feeds/*', '../../../feeds/*'],
              message: 'src/ must not import feeds/ (entry point).',
            },
            {
              group: ['**/embed/**', '../../embed/*', '../embed/*'],
              message: 'src/ must not import embed/ (entry point).',
            },
            {
              group: ['**/studio/**', '../../studio/*', '../studio/*'],
              message: 'src/ must not import studio/ (entry point).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
