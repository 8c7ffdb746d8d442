// The user-defined indicator expression language (note Step 2): parse → type check → compile to one
// parameterised SQL statement over `lines`, one row per operator. Reference: docs/cli/expr.md.
import { thresholdOf, type Ast, type Threshold } from './ast.ts';
import { compileChecked, type CompiledIndicator } from './compile.ts';
import { ExprError } from './errors.ts';
import { parseIndicator } from './parser.ts';
import type { Dialect } from '../../engine/dialect.ts';
import { typecheck, type ExprContext, type ExprType } from './typecheck.ts';

export { ExprError, parseIndicator, thresholdOf };
export type { Ast, CompiledIndicator, ExprContext, ExprType, Threshold };

/** Parses, type-checks against ctx and compiles; throws ExprError for anything outside the language. */
export function compileIndicator(
  src: string,
  ctx: ExprContext,
  opts: { paramPrefix: string; dialect?: Dialect },
): CompiledIndicator {
  const ast = parseIndicator(src);
  const checked = typecheck(ast, ctx, src);
  return compileChecked(ast, checked, ctx, opts.paramPrefix, opts.dialect);
}
export { DECLARATION_LINE_COLUMNS } from './columns.ts';
