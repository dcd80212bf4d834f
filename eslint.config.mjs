// The dependency table of STYLE.md, written once and enforced here:
//   shared <- engine <- proxy <- inspector <- {control, cli, electron}
//   renderer -> shared;  preload -> shared;  adapters -> shared
// Only src/main/electron and src/preload may import electron.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import importPlugin from 'eslint-plugin-import'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

const zone = (target, from, message) => ({ target, from, message })
const layers = [
  zone('./src/shared', ['./src/main', './src/renderer', './src/preload', './src/adapters'], 'shared is the contract: it imports nothing else from src.'),
  zone('./src/adapters', ['./src/main', './src/renderer', './src/preload'], 'adapters run inside user apps: they may import only src/shared.'),
  zone('./src/renderer', ['./src/main', './src/preload', './src/adapters'], 'the renderer talks only to the API contract in src/shared.'),
  zone('./src/preload', ['./src/main', './src/renderer', './src/adapters'], 'the preload bridge is built from src/shared only.'),
  zone('./src/main/engine', ['./src/main/proxy', './src/main/control', './src/main/electron', './src/main/service', './src/main/inspector.ts', './src/main/cli.ts', './src/main/demo'], 'the engine knows nothing of the proxy, the inspector or its transports.'),
  zone('./src/main/proxy', ['./src/main/control', './src/main/electron', './src/main/service', './src/main/inspector.ts', './src/main/cli.ts'], 'the proxy sits below the inspector and its transports.'),
  zone(['./src/main/service', './src/main/inspector.ts'], ['./src/main/control', './src/main/electron', './src/main/cli.ts'], 'the inspector is composed by its transports, never the other way round.'),
  zone('./src/main/control', ['./src/main/electron', './src/main/cli.ts'], 'the control server is a transport: it does not know the CLI or Electron.'),
  zone('./src/main/demo', ['./src/main/engine', './src/main/proxy', './src/main/control', './src/main/electron', './src/main/service', './src/main/inspector.ts'], 'the demo app is an ordinary app: it uses the Node adapter only.')
]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'docs/**', 'src/adapters/django/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mjs,js,cjs}'],
    plugins: { import: importPlugin },
    languageOptions: { globals: { ...globals.node } },
    settings: {
      'import/resolver': { typescript: { project: ['tsconfig.node.json', 'tsconfig.web.json'], noWarnOnMultipleProjects: true }, node: true }
    },
    rules: {
      'import/no-restricted-paths': ['error', { zones: layers }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only src/main/electron and src/preload may import electron.' }] }]
    }
  },
  {
    files: ['bin/**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    files: ['src/main/electron/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': 'off' }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'test/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn'
    }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-globals': ['error', { name: 'process', message: 'The renderer runs in a browser or a sandboxed window.' }]
    }
  }
)
