// Display formatting done in the window (for the rows shown only).
import type { DateOrder, FieldDef, Locale, Value } from "../bindings";
import { AsYouType, parsePhoneNumberFromString, getCountries, getCountryCallingCode, type CountryCode } from "libphonenumber-js/min";

const formatted = new Map<string, string>();

/** +447700900123 → "07700 900123" in the desk's own country, "+44 7700 900123" elsewhere.
 *  Remembered per number and desk country (the list formats the same rows on every key). */
export function formatPhone(e164: string | null, raw: string | null, deskRegion: string): string {
  if (!e164) return raw ?? "";
  const key = `${deskRegion}${e164}`;
  let f = formatted.get(key);
  if (f === undefined) {
    f = formatUncached(e164, raw, deskRegion);
    if (formatted.size > 20_000) formatted.clear();
    formatted.set(key, f);
  }
  return f;
}

function formatUncached(e164: string, raw: string | null, deskRegion: string): string {
  const p = parsePhoneNumberFromString(e164);
  if (!p) return raw ?? e164;
  // By calling code: +44 is shared by GB, JE, GG and IM, and a number's own region is not
  // always known from this (small) metadata.
  const desk = asCountry(deskRegion);
  return desk && p.countryCallingCode === getCountryCallingCode(desk) ? p.formatNational() : p.formatInternational();
}

/** Formats a phone while it is typed (digits keep their place; only spacing changes). */
export function formatTyping(value: string, region: string): string {
  if (!/\d/.test(value)) return value;
  return new AsYouType(asCountry(region)).input(value);
}

function asCountry(region: string): CountryCode | undefined {
  return (getCountries() as string[]).includes(region) ? (region as CountryCode) : undefined;
}

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

export interface Country {
  code: string;
  name: string;
}

/** Every ISO 3166-1 country libphonenumber knows, by English name. */
export const countries: Country[] = (getCountries() as string[])
  .map((code) => ({ code, name: regionNames.of(code) ?? code }))
  .sort((a, b) => a.name.localeCompare(b.name));

export function countryName(code: string | null | undefined): string {
  if (!code) return "";
  return regionNames.of(code) ?? code;
}

// How this desk writes dates and times (its country's conventions, or the manager's choice):
// set from the desk's settings when they load.
let locale: Locale = { country: "US", date_order: "mdy", date_separator: "/", hour12: true, first_weekday: "sun", number_locale: "en-US" };

export function setLocale(l: Locale): void {
  locale = l;
  moneyFormats.clear();
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** A calendar date as this desk writes it: 14/03/1988, 03/14/1988, 14.03.1988, 1988-03-14. */
export function dateText(y: number, m: number, d: number): string {
  const s = locale.date_separator;
  if (locale.date_order === "dmy") return `${pad(d)}${s}${pad(m)}${s}${pad(y, 4)}`;
  if (locale.date_order === "mdy") return `${pad(m)}${s}${pad(d)}${s}${pad(y, 4)}`;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** 16:30 or 4:30 PM. */
export function timeText(h: number, m: number): string {
  if (!locale.hour12) return `${pad(h)}:${pad(m)}`;
  return `${h % 12 === 0 ? 12 : h % 12}:${pad(m)} ${h < 12 ? "AM" : "PM"}`;
}

/** What a person typed as a time ("16:30", "4:30 PM", "4pm", "1630", "9.15") → "HH:MM", or null. */
export function parseTime(text: string): string | null {
  const m = /^(\d{1,2})(?:[:.h]?(\d{2}))?\s*([ap])?\.?\s*m?\.?$/i.exec(text.trim());
  if (!m) return null;
  let h = Number(m[1]);
  const min = Number(m[2] ?? "0");
  const half = m[3]?.toLowerCase();
  if (half && (h < 1 || h > 12)) return null;
  if (half === "p" && h < 12) h += 12;
  if (half === "a" && h === 12) h = 0;
  if (h > 23 || min > 59) return null;
  return `${pad(h)}:${pad(min)}`;
}

/** UTC timestamps from the core, shown in this desk's time zone. */
export function when(iso: string | number): string {
  const t = new Date(iso);
  return `${dateText(t.getFullYear(), t.getMonth() + 1, t.getDate())} ${timeText(t.getHours(), t.getMinutes())}`;
}

export function day(iso: string | number): string {
  const t = new Date(iso);
  return dateText(t.getFullYear(), t.getMonth() + 1, t.getDate());
}

/** A date without a time from the core ("1988-03-14"), as this desk writes it. */
export function calendarDay(ymd: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd ?? "");
  return m ? dateText(Number(m[1]), Number(m[2]), Number(m[3])) : (ymd ?? "");
}

/** What a person typed as a date, in this desk's order (or YYYY-MM-DD) → "1988-03-14", or null. */
export function parseDay(text: string): string | null {
  const t = text.trim();
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const local = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$/.exec(t);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (local) {
    const [a, b] = [Number(local[1]), Number(local[2])];
    [d, m] = locale.date_order === "mdy" ? [b, a] : [a, b];
    y = Number(local[3]);
    if (local[3].length === 2) {
      // 88 → 1988, 24 → 2024: the latest year ending so that is not after this one (as the core reads it).
      const now = new Date().getFullYear();
      y += now - (now % 100) - (y > now % 100 ? 100 : 0);
    }
  } else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** How a date in `order` is written: "DD/MM/YYYY" (with `separator` between the parts). */
export function orderPattern(order: DateOrder, separator = "/"): string {
  const s = separator;
  if (order === "dmy") return `DD${s}MM${s}YYYY`;
  if (order === "mdy") return `MM${s}DD${s}YYYY`;
  return "YYYY-MM-DD";
}

/** The pattern of a date field on this desk: "DD/MM/YYYY". */
export function datePattern(): string {
  return orderPattern(locale.date_order, locale.date_separator);
}

/** What the address fields are called where the desk is (Town / County / Postcode in the UK). */
export function addressLabels(): { city: string; state: string; postcode: string } {
  switch (locale.country) {
    case "GB":
      return { city: "Town / city", state: "County", postcode: "Postcode" };
    case "IE":
      return { city: "Town / city", state: "County", postcode: "Eircode" };
    case "US":
      return { city: "City", state: "State", postcode: "ZIP code" };
    case "CA":
      return { city: "City", state: "Province", postcode: "Postal code" };
    case "AU":
      return { city: "Suburb / town", state: "State", postcode: "Postcode" };
    default:
      return { city: "City", state: "State / region", postcode: "Postal code" };
  }
}

/** 1 → "1 row", 3 → "3 rows" (`many` when the plural is not one + "s"). */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

export function count(n: number, exact = true): string {
  const t = n.toLocaleString(numberLocale());
  return exact ? t : `${t}+`;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** The desk's number conventions, when this window's engine knows them. */
function numberLocale(): string | undefined {
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale.number_locale]).length ? locale.number_locale : undefined;
  } catch {
    return undefined;
  }
}

function moneyFormat(currency: string): Intl.NumberFormat {
  let f = moneyFormats.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat(numberLocale(), { style: "currency", currency });
    } catch {
      f = new Intl.NumberFormat(numberLocale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    moneyFormats.set(currency, f);
  }
  return f;
}

/** Digits after the point for a currency (2 for GBP/EUR/USD, 0 for JPY). */
export function currencyDigits(currency: string): number {
  return moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** 1250, "GBP" → "£12.50" (amounts from the core are integer minor units). */
export function money(minor: number, currency: string): string {
  return moneyFormat(currency).format(minor / 10 ** currencyDigits(currency));
}

/** "12.5" / "12,50" / "£12.50" / "12.50 GBP" / ".50" → minor units; null when it is not an
 *  amount (letters or symbols other than one currency sign or code, too many decimals). */
export function parseMoney(text: string, currency: string): number | null {
  let t = text.trim().replace(/^(?:[A-Za-z]{3}|[^\w\s.,-])\s*/, "").replace(/\s*(?:[A-Za-z]{3}|[^\w\s.,-])$/, "");
  if (!t.includes(".")) t = t.replace(",", ".");
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(t)) return null;
  const negative = t.startsWith("-");
  const [whole, frac = ""] = t.replace("-", "").split(".");
  const digits = currencyDigits(currency);
  if (frac.length > digits) return null;
  const minor = Number(whole || "0") * 10 ** digits + Number((frac + "0".repeat(digits)).slice(0, digits) || "0");
  return Number.isSafeInteger(minor) ? (negative ? -minor : minor) : null;
}

/** A whole number typed in a field ("45"), or null. */
export function parseWhole(text: string): number | null {
  const t = text.trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : null;
}

/** Minor units as the text of an amount field: 1250 → "12.50". */
export function moneyInput(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

/** A custom field's value as the profile shows it ("" when none). */
export function customText(f: FieldDef, v: Value | undefined): string {
  if (v === null || v === undefined || v === "") return "";
  if (Array.isArray(v)) return v.map(String).join(", ");
  if (f.kind === "yes_no") return v === true ? "Yes" : "No";
  if (f.kind === "date" && typeof v === "string") return calendarDay(v);
  if (f.kind === "number") return f.unit ? `${v} ${f.unit}` : String(v);
  return String(v);
}
