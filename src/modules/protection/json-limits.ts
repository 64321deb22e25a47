import { ServiceError } from "../../shared/errors";

export interface JsonLimits {
  maxDepth: number;
  maxArrayLength: number;
}

/**
 * Throws JSON_TOO_COMPLEX when a parsed JSON value nests deeper than `maxDepth` (objects and arrays
 * count one level each) or has an array longer than `maxArrayLength`. Stops at the first offence,
 * so a hostile body costs at most the limits, never its own size in recursion.
 */
export function assertJsonWithinLimits(value: unknown, limits: JsonLimits, pointer = ""): void {
  walk(value, limits, pointer, 0);
}

function walk(value: unknown, limits: JsonLimits, pointer: string, depth: number): void {
  if (value === null || typeof value !== "object") return;
  if (depth + 1 > limits.maxDepth) {
    throw new ServiceError("JSON_TOO_COMPLEX", `JSON may nest at most ${limits.maxDepth} levels.`, {
      errors: [{ pointer: pointer || "/", detail: `Nested deeper than ${limits.maxDepth} levels.` }],
    });
  }
  if (Array.isArray(value)) {
    if (value.length > limits.maxArrayLength) {
      throw new ServiceError("JSON_TOO_COMPLEX", `JSON arrays may hold at most ${limits.maxArrayLength} items.`, {
        errors: [{ pointer: pointer || "/", detail: `Has ${value.length} items.` }],
      });
    }
    for (let i = 0; i < value.length; i++) walk(value[i], limits, `${pointer}/${i}`, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    walk((value as Record<string, unknown>)[key], limits, `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`, depth + 1);
  }
}
