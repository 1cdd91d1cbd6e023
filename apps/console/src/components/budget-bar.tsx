/** One budget as a meter: how much of a limit is used, in words and as a bar (a <meter>, no inline style). */
export function BudgetBar({ name, used, limit, percent, note }: { name: string; used: string; limit: string; percent: number; note?: string }) {
  return (
    <div class="budget">
      <div class="budget-head">
        <span>{name}</span>
        <span class="budget-value">
          {used} of {limit}
        </span>
      </div>
      <meter min={0} max={100} low={70} high={90} optimum={0} value={percent} aria-label={`${name}: ${used} of ${limit}`} />
      {note && <div class="muted small">{note}</div>}
    </div>
  );
}
