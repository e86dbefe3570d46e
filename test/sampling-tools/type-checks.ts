// Compile-time checks of ctx.sample's typing, run by `tsc --noEmit` (not a test file: nothing
// here runs). If an overload stops inferring the typed result, type-checking fails.
import { expectTypeOf } from "vitest";
import { z } from "zod";
import {
  type Context,
  defineTool,
  type FastMCP,
  type SampleStep,
  type SamplingResult,
} from "../../src/index.js";

// The overloads infer a typed result from `result`; never called at runtime.
export function typeChecks(ctx: Context, server: FastMCP) {
  expectTypeOf(ctx.sample("hi")).resolves.toEqualTypeOf<SamplingResult<string>>();
  expectTypeOf(ctx.sample("hi", { tools: server.tools })).resolves.toEqualTypeOf<SamplingResult<string>>();
  expectTypeOf(ctx.sample("hi", { result: z.object({ sum: z.number() }) })).resolves.toEqualTypeOf<
    SamplingResult<{ sum: number }>
  >();
  expectTypeOf(ctx.sample("hi", { result: z.array(z.string()), tools: [] })).resolves.toEqualTypeOf<
    SamplingResult<string[]>
  >();
  expectTypeOf(ctx.sampleStep("hi", { executeTools: false })).resolves.toEqualTypeOf<SampleStep>();
  // An inline tool's context is the calling tool's Context.
  void ctx.sample("hi", {
    tools: [{ name: "t", execute: (_args, toolCtx) => expectTypeOf(toolCtx).toEqualTypeOf<Context>() }],
  });
  // A defineTool definition (the shape of a server tool) is a sampling tool as it is.
  const weather = defineTool({
    name: "w",
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => city,
  });
  expectTypeOf(ctx.sample("hi", { tools: [weather] })).resolves.toEqualTypeOf<SamplingResult<string>>();
}
