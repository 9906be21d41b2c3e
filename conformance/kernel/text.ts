/** Short text for failure messages and reports. */

/** The first `max` items joined with commas, then how many more there are: `a, b, c, ... 2 more`. */
export function preview(items: readonly string[], max = 4): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')}, ... ${items.length - max} more`;
}
