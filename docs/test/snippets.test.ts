/**
 * @jest-environment ../packages/nn/test/saving/onnx/ort-environment.ts
 */
/**
 * Every ```ts snippet in README.md and docs/*.md is type-checked against the real packages and,
 * unless its fence says `ts no-run`, executed — so the docs cannot drift from the API.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

interface Snippet {
  file: string;
  line: number;
  code: string;
  run: boolean;
}

const docsDir = path.join(__dirname, '..');
const repoRoot = path.join(docsDir, '..');

function extractSnippets(file: string): Snippet[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(ts|typescript)\b(.*)$/.exec(lines[i].trim());
    if (!fence) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    snippets.push({
      file: path.basename(file),
      line: start + 1,
      code: lines.slice(start, end).join('\n'),
      run: !/no-run/.test(fence[2]),
    });
    i = end;
  }
  return snippets;
}

const documents = [
  path.join(repoRoot, 'README.md'),
  ...fs
    .readdirSync(docsDir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => path.join(docsDir, f)),
];
const snippets = documents.flatMap(extractSnippets);

/** Splits a snippet into its import lines and the rest, which runs inside an async function. */
function asModule(code: string): string {
  const lines = code.split('\n');
  const imports = lines.filter((l) => /^\s*import\s/.test(l));
  const body = lines.filter((l) => !/^\s*import\s/.test(l));
  return `${imports.join('\n')}\nexport async function snippet(): Promise<void> {\n${body.join('\n')}\n}\n`;
}

describe('documentation snippets', () => {
  it('finds snippets to check', () => {
    expect(snippets.length).toBeGreaterThan(0);
  });

  it('type-check against the packages', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zen-doc-snippets-'));
    const files = snippets.map((s, i) => {
      const name = path.join(dir, `${s.file.replace(/\W/g, '_')}_${s.line}_${i}.ts`);
      fs.writeFileSync(name, asModule(s.code));
      return name;
    });
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      esModuleInterop: true,
      types: ['node'],
      typeRoots: [path.join(repoRoot, 'node_modules/@types')],
      baseUrl: repoRoot,
      paths: {
        '@zen/autograd-core': ['packages/autograd-core/src/index.ts'],
        '@zen/nn': ['packages/nn/src/index.ts'],
        '@zen/datasets': ['packages/datasets/src/index.ts'],
        'onnxruntime-node': ['node_modules/onnxruntime-node'],
        '@tensorflow/tfjs': ['node_modules/@tensorflow/tfjs'],
      },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.includes(path.normalize(d.file.fileName)))
      .map((d) => {
        const index = files.indexOf(path.normalize(d.file!.fileName));
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        const s = snippets[index];
        // Line 1 of the module is the imports block; map back roughly to the doc.
        return `${s.file} snippet at line ${s.line} (module line ${line + 1}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(problems).toEqual([]);
  });

  const runnable = snippets.filter((s) => s.run);
  it.each(runnable.map((s) => [`${s.file}:${s.line}`, s] as const))(
    '%s runs',
    async (_name, s) => {
      const js = ts.transpileModule(asModule(s.code), {
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
        },
      }).outputText;
      const module = { exports: {} as { snippet?: () => Promise<void> } };
      const cwd = process.cwd();
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zen-doc-run-'));
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        process.chdir(work); // snippets that save files write into a scratch folder
        new Function('require', 'module', 'exports', js)(require, module, module.exports);
        await module.exports.snippet!();
      } finally {
        process.chdir(cwd);
        log.mockRestore();
        fs.rmSync(work, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
