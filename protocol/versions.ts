/**
 * Protocol versions emcee speaks, and the split between the two eras.
 *
 * @module
 */

/** The newest protocol version: stateless, `_meta` on every request. */
export const LATEST_PROTOCOL_VERSION = "2026-07-28";

/** The newest version of the legacy (initialize-based) line. */
export const LATEST_LEGACY_VERSION = "2025-11-25";

/** Modern (per-request metadata) versions, newest first. */
export const MODERN_VERSIONS: readonly string[] = ["2026-07-28"];

/** Legacy (initialize handshake) versions, newest first. */
export const LEGACY_VERSIONS: readonly string[] = [
  "2025-11-25",
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
];

/** Every version emcee supports, newest first. */
export const SUPPORTED_VERSIONS: readonly string[] = [...MODERN_VERSIONS, ...LEGACY_VERSIONS];

/** Whether a version uses per-request `_meta` (2026-07-28 and later). */
export function isModernVersion(version: string): boolean {
  return MODERN_VERSIONS.includes(version);
}

/** Whether a version uses the `initialize` handshake. */
export function isLegacyVersion(version: string): boolean {
  return LEGACY_VERSIONS.includes(version);
}

/**
 * Picks the legacy version to answer an `initialize` with: the requested one
 * when supported, else our newest legacy version (the client then decides).
 */
export function negotiateLegacyVersion(requested: unknown): string {
  return typeof requested === "string" && isLegacyVersion(requested)
    ? requested
    : LATEST_LEGACY_VERSION;
}
