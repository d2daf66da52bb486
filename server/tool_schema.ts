/**
 * A tool's declared schemas, resolved once at registration: whatever the tool
 * declares (raw JSON Schema, a schema builder value, or a Standard Schema such
 * as Zod, Valibot or ArkType) becomes a schema/ `ToolSchema`, the JSON Schema
 * it advertises plus the validator that enforces it.
 *
 * @module
 */
// The schema modules themselves, not schema/mod.ts, so that a server loads no builder or
// other schema API it does not use.
import { formatIssues } from "../schema/issues.ts";
import { type ToolSchema, type ToolSchemaInput, toToolSchema } from "../schema/tool_schema.ts";
import { SchemaError } from "../schema/types.ts";
import { validateSchema } from "../schema/validator.ts";
import { RegistrationError } from "./registration_error.ts";

/** Which of a tool's schemas. */
type SchemaRole = "inputSchema" | "outputSchema";

const ROLE_LABEL: { readonly [role in SchemaRole]: string } = {
  inputSchema: "input schema",
  outputSchema: "output schema",
};

/**
 * Resolves one schema of the tool `tool`. Input schemas must describe an
 * object; since 2026-07-28 output schemas may describe any JSON value.
 * Throws a {@link RegistrationError} whose `cause` locates the problem.
 */
export function resolveToolSchema(tool: string, role: SchemaRole, declared: unknown): ToolSchema {
  let schema: ToolSchema;
  try {
    schema = toToolSchema(declared as ToolSchemaInput);
  } catch (error) {
    if (error instanceof SchemaError || error instanceof TypeError) {
      throw invalidSchema(tool, role, error);
    }
    throw error;
  }
  const defect = schemaDefect(schema, role === "inputSchema");
  if (defect) throw invalidSchema(tool, role, defect);
  return schema;
}

function invalidSchema(tool: string, role: SchemaRole, cause: Error): RegistrationError {
  return new RegistrationError({
    kind: "tool",
    key: tool,
    problem: role,
    detail: `has an invalid ${ROLE_LABEL[role]}: ${cause.message}`,
    cause,
  });
}

/**
 * What `toToolSchema` leaves unchecked: the JSON Schema a Standard Schema
 * library exported (ours are checked against their meta-schema as they
 * compile), and the object root an input schema needs.
 */
function schemaDefect(schema: ToolSchema, requireObject: boolean): SchemaError | undefined {
  if (schema.validator !== "emcee") {
    const problems = validateSchema(schema.jsonSchema);
    if (problems.length > 0) {
      const issues = problems.map((problem) => ({
        path: problem.instancePath,
        message: problem.message,
      }));
      return new SchemaError(
        `the exported JSON Schema is invalid: ${formatIssues(issues, { limit: 5 })}`,
        `#${problems[0].instancePath}`,
      );
    }
  }
  if (requireObject && schema.jsonSchema.type !== "object") {
    const at = schema.jsonSchema.type === undefined ? "#" : "#/type";
    return new SchemaError(`the root must have "type": "object"`, at);
  }
  return undefined;
}
