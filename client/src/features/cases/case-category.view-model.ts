import { CASE_TAXONOMY, findCategory } from '../../../../protocol/case-taxonomy';

export interface CaseCategoryRow {
  code: string;
  name: string;
  open: number;
  /** Bar length in percent of the largest row. */
  width: number;
  /** Share of all open cases, 0..1. */
  share: number;
}

const CLASSES = new Map(CASE_TAXONOMY.map((c) => [c.code, c]));

/** Display name of a category code (class or sub-class) in the locale; an unknown code (a city's own) shows as is. */
export function categoryName(code: string, locale: string): string {
  const en = locale.startsWith('en');
  const cls = CLASSES.get(code);
  if (cls) return en ? cls.nameEn : cls.name;
  const found = findCategory(code);
  if (found) return en ? `${found.cls.nameEn} · ${found.sub.code}` : found.sub.name;
  return code;
}

/** The `limit` categories with most open cases (the server sends them largest first), with bar widths. */
export function caseCategoryRows(
  openByCategory: readonly { category: string; open: number }[] | undefined,
  locale: string,
  limit = 6,
): { rows: CaseCategoryRow[]; totalOpen: number } {
  const all = openByCategory ?? [];
  const totalOpen = all.reduce((s, c) => s + c.open, 0);
  const top = [...all].sort((a, b) => b.open - a.open || a.category.localeCompare(b.category)).slice(0, limit);
  const max = Math.max(1, ...top.map((c) => c.open));
  return {
    totalOpen,
    rows: top.map((c) => ({
      code: c.category,
      name: categoryName(c.category, locale),
      open: c.open,
      width: (c.open / max) * 100,
      share: totalOpen > 0 ? c.open / totalOpen : 0,
    })),
  };
}
