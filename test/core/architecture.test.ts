// Keeps the shape docs/architecture.md describes: dependencies flow one way, modules stay small, and
// the only import cycles are the type-only ones that page lists with their reasons. It reads
// src/ with TypeScript's own parser; nothing runs. `import()` calls (loads on first use) follow the
// layers too, but cannot make a cycle that matters: the module is loaded long after both evaluated.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const MAX_LINES = 400;

type Kind = "value" | "type" | "lazy";
interface Edge {
  to: string;
  kind: Kind;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (clause === undefined) return false; // a bare `import "./x.js"` runs the module
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((element) => element.isTypeOnly)
  );
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return (
    clause !== undefined &&
    ts.isNamedExports(clause) &&
    clause.elements.length > 0 &&
    clause.elements.every((element) => element.isTypeOnly)
  );
}

/** Every relative import of one file: static (value or type-only), `import("…")` types, and `import()` calls. */
function importsOf(file: string): Edge[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
  const edges: Edge[] = [];
  const add = (specifier: string, kind: Kind) => {
    if (!specifier.startsWith(".")) return;
    const target = resolve(dirname(file), specifier.replace(/\.js$/, ".ts"));
    edges.push({ to: relative(ROOT, target), kind });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, isTypeOnlyImport(node) ? "type" : "value");
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, isTypeOnlyExport(node) ? "type" : "value");
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, "type");
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, "lazy");
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

function importGraph(): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const file of sourceFiles(join(ROOT, "src"))) graph.set(relative(ROOT, file), importsOf(file));
  return graph;
}

/** Strongly connected components of more than one module (Tarjan), over the edges `follow` keeps. */
function cycles(graph: Map<string, Edge[]>, follow: (edge: Edge) => boolean): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (module: string) => {
    index.set(module, next);
    low.set(module, next);
    next++;
    stack.push(module);
    onStack.add(module);
    for (const edge of graph.get(module) ?? []) {
      if (!follow(edge) || !graph.has(edge.to)) continue;
      if (!index.has(edge.to)) {
        connect(edge.to);
        low.set(module, Math.min(low.get(module)!, low.get(edge.to)!));
      } else if (onStack.has(edge.to)) {
        low.set(module, Math.min(low.get(module)!, index.get(edge.to)!));
      }
    }
    if (low.get(module) !== index.get(module)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== module);
    if (component.length > 1) found.push(component.sort());
  };
  for (const module of graph.keys()) if (!index.has(module)) connect(module);
  return found;
}

/**
 * The layers, lowest first: a module may import its own layer or a lower one. Anything not named
 * here (server/, client/, handlers/, human/, tasks/, telemetry/, redis/, the loaders) is layer 3.
 */
function layerOf(module: string): number {
  const path = module.slice("src/".length);
  if (["errors.ts", "error-codes.ts", "error-policy.ts", "abort.ts"].includes(path)) return 0;
  if (["schema.ts", "content.ts"].includes(path)) return 1;
  if (path.startsWith("sampling/")) return 2;
  if (path === "index.ts") return 4;
  if (path.startsWith("cli/")) return 5;
  return 3;
}

/** The module sets of the "Type-only cycles" table in docs/architecture.md. */
function documentedCycles(): string[][] {
  const page = readFileSync(join(ROOT, "docs/architecture.md"), "utf8");
  const section = page.split(/^## /m).find((part) => part.startsWith("Type-only cycles"));
  expect(section, 'docs/architecture.md has a "## Type-only cycles" section').toBeDefined();
  return section!
    .split("\n")
    .filter((line) => line.startsWith("|") && line.includes("`src/"))
    .map((row) => [...row.split("|")[1]!.matchAll(/`(src\/[^`]+)`/g)].map((match) => match[1]!).sort());
}

describe("architecture", () => {
  const graph = importGraph();

  it("src/sampling imports nothing from src/server", () => {
    const upward = [...graph].flatMap(([module, edges]) =>
      module.startsWith("src/sampling/")
        ? edges.filter((edge) => edge.to.startsWith("src/server/")).map((edge) => `${module} → ${edge.to}`)
        : [],
    );
    expect(upward).toEqual([]);
  });

  it("dependencies flow one way: errors/abort → schema/content → sampling → server/client/… → cli", () => {
    const upward = [...graph].flatMap(([module, edges]) =>
      edges
        .filter((edge) => layerOf(edge.to) > layerOf(module))
        .map((edge) => `${module} (layer ${layerOf(module)}) → ${edge.to} (layer ${layerOf(edge.to)})`),
    );
    expect(upward).toEqual([]);
  });

  it(`no module is over ${MAX_LINES} lines`, () => {
    const long = [...graph.keys()]
      .map((module) => ({ module, lines: readFileSync(join(ROOT, module), "utf8").split("\n").length }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ module, lines }) => `${module}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  it("no import cycle runs modules in a loop", () => {
    expect(cycles(graph, (edge) => edge.kind === "value")).toEqual([]);
  });

  it("every type-only cycle is listed, with its reason, in docs/architecture.md (and every one listed exists)", () => {
    const found = cycles(graph, (edge) => edge.kind !== "lazy").map((cycle) => cycle.join(" · "));
    const listed = documentedCycles().map((cycle) => cycle.join(" · "));
    expect(found.sort()).toEqual(listed.sort());
  });
});
