/**
 * Disposable (throwaway) email domains. A short list of the most common providers, from public
 * blocklists (e.g. github.com/disposable-email-domains); extend it in configuration as needed.
 */
export const disposableEmailDomains: ReadonlySet<string> = new Set([
  "mailinator.com", "guerrillamail.com", "guerrillamail.net", "sharklasers.com", "10minutemail.com", "10minutemail.net",
  "tempmail.com", "temp-mail.org", "temp-mail.io", "yopmail.com", "yopmail.net", "trashmail.com", "trashmail.de",
  "getnada.com", "nada.email", "dispostable.com", "maildrop.cc", "throwawaymail.com", "fakeinbox.com", "mintemail.com",
  "mailnesia.com", "mohmal.com", "emailondeck.com", "tempail.com", "tempr.email", "discard.email", "spamgourmet.com",
  "mytemp.email", "burnermail.io", "moakt.com", "mailcatch.com", "inboxkitten.com", "tmail.ws", "tmpmail.org",
  "emailfake.com", "fakemail.net", "mail.tm", "mail.gw", "luxusmail.org", "byom.de", "wegwerfmail.de", "einrot.com",
]);

export function isDisposableEmail(email: string): boolean {
  const domain = email.trim().toLowerCase().split("@").at(-1) ?? "";
  // Subdomains of a disposable provider count too (e.g. x.mailinator.com).
  const parts = domain.split(".");
  for (let i = 0; i < parts.length - 1; i++) if (disposableEmailDomains.has(parts.slice(i).join("."))) return true;
  return false;
}
