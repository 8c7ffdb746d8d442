// The budget of user-defined indicators (budget.yaml): how many, how costly, how long their evaluation may run.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { children, type Ast } from './ast.ts';
import { parseIndicator } from './parser.ts';

const BudgetFile = z.strictObject({
  max_custom: z.number().int().min(0).max(48),
  cost: z.strictObject({
    aggregate: z.number().int().min(1),
    distinct: z.number().int().min(1),
    period_factor: z.number().int().min(1),
  }),
  max_cost: z.number().int().min(1),
  max_total_cost: z.number().int().min(1),
  evaluation_timeout_seconds: z.number().positive().max(3600),
});
export type ExprBudget = z.infer<typeof BudgetFile>;

let budget: ExprBudget | undefined;
export function exprBudget(): ExprBudget {
  budget ??= BudgetFile.parse(parse(readFileSync(new URL('./budget.yaml', import.meta.url), 'utf8')));
  return budget;
}

/** The cost of an expression (budget.yaml `cost`); throws ExprError when it does not parse. */
export function expressionCost(src: string, b: ExprBudget = exprBudget()): number {
  const walk = (n: Ast, factor: number): number => {
    const inner = n.kind === 'period' ? factor * b.cost.period_factor : factor;
    const own = n.kind === 'aggregate' ? factor * (n.fn === 'distinct' ? b.cost.distinct : b.cost.aggregate) : 0;
    return own + children(n).reduce((sum, c) => sum + walk(c, inner), 0);
  };
  return walk(parseIndicator(src), 1);
}
