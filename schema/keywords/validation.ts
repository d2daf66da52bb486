// The validation vocabulary of one schema object, in evaluation order: `type`, `enum` and
// `const`, then the keywords for numbers, strings, arrays and objects.

import type { CheckLists, TypeGuard } from "../compile/assemble.ts";
import { readCount, type SchemaNode } from "../compile/schema_node.ts";
import { compileArrayKeywords } from "./arrays.ts";
import { compileConst, compileEnum } from "./enum_const.ts";
import { compileNumberKeywords } from "./numbers.ts";
import { compileObjectKeywords } from "./objects.ts";
import { compileStringKeywords } from "./strings.ts";
import { compileType, isTypeName } from "./type.ts";

/**
 * Compiles the validation keywords into `lists`. A `type` naming one type is returned instead
 * of listed, so the assembler can fuse it with that type's keywords.
 */
export function compileValidation(schema: SchemaNode, lists: CheckLists): TypeGuard | null {
  const node = schema.node;
  let typeGuard: TypeGuard | null = null;
  if (isTypeName(node.type)) {
    typeGuard = { check: compileType(node.type, schema.at("type")), type: node.type };
  } else if (node.type !== undefined) {
    lists.any.push(compileType(node.type, schema.at("type")));
  }
  if (node.enum !== undefined) lists.any.push(compileEnum(node.enum, schema.at("enum")));
  if (node.const !== undefined || Object.hasOwn(node, "const")) {
    lists.any.push(compileConst(node.const, schema.at("const")));
  }
  compileNumberKeywords(schema, lists.numbers);
  compileStringKeywords(schema, lists.strings);
  compileArrayKeywords(schema, lists.arrays);
  compileObjectKeywords(schema, lists.objects);
  // `contains` reads these; only their values are checked here.
  if (
    !schema.dialect.draft7 && (node.minContains !== undefined || node.maxContains !== undefined)
  ) {
    readCount(schema, "minContains");
    readCount(schema, "maxContains");
  }
  return typeGuard;
}
