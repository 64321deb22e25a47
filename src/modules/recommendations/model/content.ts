/**
 * Content similarity for products nobody has bought yet: shared categories, shared attribute
 * values and shared title words. Weighted Jaccard overlaps; the reason names what is shared.
 */
export interface ContentProfile {
  id: string;
  title: string;
  categories: { id: string; name: string }[];
  attributes: Record<string, string>;
}

const STOP_WORDS = new Set(["a", "an", "and", "the", "of", "for", "with", "in", "on", "to", "by", "x"]);

export function titleTokens(title: string): Set<string> {
  const words = title.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return new Set(words.filter((w) => w.length > 1 && !STOP_WORDS.has(w)));
}

function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): { score: number; shared: T[] } {
  const shared = [...a].filter((x) => b.has(x));
  const union = a.size + b.size - shared.length;
  return { score: union === 0 ? 0 : shared.length / union, shared };
}

export const contentWeights = { categories: 0.5, attributes: 0.3, title: 0.2 } as const;

export function contentSimilarity(anchor: ContentProfile, candidate: ContentProfile): { score: number; shared: string[] } {
  const categories = jaccard(new Set(anchor.categories.map((c) => c.id)), new Set(candidate.categories.map((c) => c.id)));
  const attrs = (p: ContentProfile) => new Set(Object.entries(p.attributes).map(([k, v]) => `${k.toLowerCase()}=${v.toLowerCase()}`));
  const attributes = jaccard(attrs(anchor), attrs(candidate));
  const title = jaccard(titleTokens(anchor.title), titleTokens(candidate.title));
  const score = contentWeights.categories * categories.score + contentWeights.attributes * attributes.score + contentWeights.title * title.score;
  const names = new Map(anchor.categories.map((c) => [c.id, c.name]));
  const shared = [
    ...categories.shared.map((id) => `category ${names.get(id) ?? id}`),
    ...attributes.shared.map((kv) => kv.replace("=", ": ")),
    ...(title.shared.length > 0 ? [`title words ${title.shared.slice(0, 3).join(", ")}`] : []),
  ];
  return { score, shared };
}
