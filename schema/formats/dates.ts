// RFC 3339 dates, times and durations: `date`, `time`, `date-time` and `duration`.

import { digitsAt } from "./ascii.ts";

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function isDateRange(text: string, start: number): boolean {
  if (text.charCodeAt(start + 4) !== 45 || text.charCodeAt(start + 7) !== 45) return false;
  const year = digitsAt(text, start, 4);
  const month = digitsAt(text, start + 5, 2);
  const day = digitsAt(text, start + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]);
}

/** RFC 3339 `full-date`, with real month lengths and leap years. */
export function isDate(value: string): boolean {
  return value.length === 10 && isDateRange(value, 0);
}

function isTimeFrom(text: string, start: number): boolean {
  const end = text.length;
  if (end - start < 9 || text.charCodeAt(start + 2) !== 58 || text.charCodeAt(start + 5) !== 58) {
    return false;
  }
  const hour = digitsAt(text, start, 2);
  const minute = digitsAt(text, start + 3, 2);
  const second = digitsAt(text, start + 6, 2);
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 60) return false;
  let i = start + 8;
  if (text.charCodeAt(i) === 46) {
    const fractionStart = ++i;
    while (i < end && digitsAt(text, i, 1) >= 0) i++;
    if (i === fractionStart) return false;
  }
  let offsetMinutes = 0;
  const c = text.charCodeAt(i);
  if (c === 90 || c === 122) {
    if (i + 1 !== end) return false;
  } else if (c === 43 || c === 45) {
    if (end - i !== 6 || text.charCodeAt(i + 3) !== 58) return false;
    const offsetHour = digitsAt(text, i + 1, 2);
    const offsetMinute = digitsAt(text, i + 4, 2);
    if (offsetHour < 0 || offsetMinute < 0 || offsetHour > 23 || offsetMinute > 59) return false;
    offsetMinutes = (c === 45 ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  } else {
    return false;
  }
  if (second < 60) return true;
  const utcMinutes = hour * 60 + minute - offsetMinutes;
  return ((utcMinutes % 1440) + 1440) % 1440 === 23 * 60 + 59;
}

/** RFC 3339 `full-time`; a leap second (`:60`) is only accepted at 23:59 UTC. */
export function isTime(value: string): boolean {
  return isTimeFrom(value, 0);
}

/** RFC 3339 `date-time` (`T` or `t` separator). */
export function isDateTime(value: string): boolean {
  const t = value.charCodeAt(10);
  return (t === 84 || t === 116) && isDateRange(value, 0) && isTimeFrom(value, 11);
}

const DURATION = new RegExp(
  "^P(?:(?:[0-9]+D|[0-9]+M(?:[0-9]+D)?|[0-9]+Y(?:[0-9]+M(?:[0-9]+D)?)?)" +
    "(?:T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S))?" +
    "|T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S)" +
    "|[0-9]+W)$",
);

/** RFC 3339 appendix A `duration` (ISO 8601 durations without fractions). */
export function isDuration(value: string): boolean {
  return DURATION.test(value);
}
