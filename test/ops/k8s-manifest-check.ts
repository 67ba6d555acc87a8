/**
 * Checks Kubernetes manifests offline: reads a JSON array of documents on
 * stdin and prints a JSON array holding, for each, its problems (none when
 * it is valid). Run with `node --import tsx`: the schemas ship as ES
 * modules only, which Jest's CommonJS loader cannot load.
 *
 * Two checks, both from kubernetes-models (generated from the OpenAPI
 * description of Kubernetes 1.34):
 * - the JSON schema of the document's kind (ajv validators: types,
 *   required fields, formats);
 * - unknown fields, which the schemas allow but `kubectl apply` refuses
 *   (strict field validation); TypeScript's excess-property check against
 *   the same package's interfaces finds them, a misspelt probe included.
 */
import path from 'node:path';
import ts from 'typescript';

interface Manifest {
  apiVersion?: unknown;
  kind?: unknown;
}

interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

type SchemaValidator = ((data: unknown) => boolean) & {
  errors?: SchemaError[] | null;
};

/** `apps/v1` → apps and v1; `v1` is the core group. */
function groupAndVersion(manifest: Manifest): [string, string] {
  const apiVersion = String(manifest.apiVersion);
  const [group, version] = apiVersion.includes('/')
    ? apiVersion.split('/')
    : ['core', apiVersion];
  return [group ?? '', version ?? ''];
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** kubernetes-models names a schema after the group's first word. */
function schemaModule(manifest: Manifest): string {
  const [group, version] = groupAndVersion(manifest);
  const groupWord = capitalised(group.split('.')[0] ?? '');
  return `kubernetes-models/_schemas/IoK8sApi${groupWord}${capitalised(version)}${String(manifest.kind)}`;
}

function typesModule(manifest: Manifest): string {
  const [group, version] = groupAndVersion(manifest);
  const folder = group === 'core' ? version : `${group}/${version}`;
  return `kubernetes-models/${folder}/${String(manifest.kind)}`;
}

function schemaErrorText(error: SchemaError): string {
  const at = error.instancePath || '/';
  if (error.keyword === 'required') {
    return `${at} must have ${String(error.params.missingProperty)}`;
  }
  if (error.keyword === 'type') {
    return `${at} must be ${String(error.params.type)}`;
  }
  return `${at} ${error.keyword} ${JSON.stringify(error.params)}`;
}

async function schemaProblems(manifest: Manifest): Promise<string[]> {
  let validate: SchemaValidator;
  try {
    ({ validate } = await import(schemaModule(manifest)));
  } catch {
    return [
      `no Kubernetes 1.34 schema for ${String(manifest.apiVersion)} ${String(manifest.kind)}`,
    ];
  }
  return validate(manifest) ? [] : (validate.errors ?? []).map(schemaErrorText);
}

/**
 * One TypeScript program declares each manifest as a constant of its
 * kind's interface: import i and constant i sit on lines i and n + i, so
 * each diagnostic's line tells its manifest.
 */
function unknownFieldProblems(manifests: Manifest[]): string[][] {
  const fileName = path.join(__dirname, 'manifests.virtual.ts');
  const imports = manifests.map(
    (m, i) =>
      `import type { I${String(m.kind)} as T${i} } from '${typesModule(m)}';`,
  );
  const constants = manifests.map(
    (m, i) => `export const m${i}: T${i} = ${JSON.stringify(m)};`,
  );
  const text = [...imports, ...constants].join('\n');
  const program = virtualProgram(fileName, text);

  const problems = manifests.map((): string[] => []);
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const { file, start = 0, length = 0 } = diagnostic;
    const message = ts.flattenDiagnosticMessageText(
      diagnostic.messageText,
      ' ',
    );
    // Anywhere else, the check itself is broken, not a manifest.
    if (file?.fileName !== fileName) throw new Error(message);

    const { line } = file.getLineAndCharacterOfPosition(start);
    const near = file.text.slice(start, start + length).slice(0, 40);
    problems[line % manifests.length]?.push(`${near}: ${message}`);
  }
  return problems;
}

function virtualProgram(fileName: string, text: string): ts.Program {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.fileExists = (name) => name === fileName || fileExists(name);
  host.getSourceFile = (name, language, ...rest) =>
    name === fileName
      ? ts.createSourceFile(name, text, language)
      : getSourceFile(name, language, ...rest);
  return ts.createProgram([fileName], options, host);
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const manifests = JSON.parse(Buffer.concat(chunks).toString()) as Manifest[];

  const schemas = await Promise.all(manifests.map(schemaProblems));
  const unknownFields = unknownFieldProblems(manifests);
  const problems = manifests.map((_, i) => [
    ...(schemas[i] ?? []),
    ...(unknownFields[i] ?? []),
  ]);
  process.stdout.write(JSON.stringify(problems));
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
