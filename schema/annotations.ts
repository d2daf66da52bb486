// Evaluation annotations needed by `unevaluatedProperties` / `unevaluatedItems`: which object
// properties and array items adjacent and nested in-place subschemas have evaluated. Only
// schemas that contain an `unevaluated*` keyword ever allocate one of these.

/** Properties and items evaluated so far at one instance location. */
export interface Annotations {
  /** Names of evaluated properties (null: none recorded yet). */
  props: Set<string> | null;
  /** Every property has been evaluated. */
  allProps: boolean;
  /** Items `0 .. items-1` have been evaluated (`Infinity`: all of them). */
  items: number;
  /** Individually evaluated item indices (from `contains`). */
  itemIndices: Set<number> | null;
}

/** A fresh, empty annotation record. */
export function newAnnotations(): Annotations {
  return { props: null, allProps: false, items: 0, itemIndices: null };
}

/** Records that property `name` was evaluated. */
export function markProperty(target: Annotations, name: string): void {
  if (target.allProps) return;
  if (target.props === null) target.props = new Set();
  target.props.add(name);
}

/** Adds everything `source` evaluated into `target`. */
export function mergeAnnotations(target: Annotations, source: Annotations): void {
  if (source.allProps) target.allProps = true;
  else if (source.props !== null && !target.allProps) {
    for (const name of source.props) markProperty(target, name);
  }
  if (source.items > target.items) target.items = source.items;
  if (source.itemIndices !== null) {
    if (target.itemIndices === null) target.itemIndices = new Set();
    for (const index of source.itemIndices) target.itemIndices.add(index);
  }
}
