import { fromBase64Url, sha256Hex, toBase64Url } from "./crypto";

/**
 * Secrets at rest (webhook signing secrets, guest order tokens kept for checkout replays): AES-256-GCM through
 * WebCrypto, with the key from the Worker secret `SECRETS_KEY` (32 random bytes, base64 or base64url). A sealed
 * value reads `sealed:v1:<key id>:<iv>:<ciphertext>`; the key id (8 hex characters of the key's SHA-256) says
 * which key sealed it, so during a rotation values sealed with `SECRETS_KEY_PREVIOUS` still open while a job
 * seals them again with the new key. `context` is authenticated data (e.g. `webhook_endpoints.secret:<id>`):
 * a value copied into another row does not open there.
 */
export interface SecretKeys {
  SECRETS_KEY?: string | undefined;
  SECRETS_KEY_PREVIOUS?: string | undefined;
}

interface Key {
  id: string;
  key: CryptoKey;
}

export interface Keyring {
  current: Key;
  all: Map<string, CryptoKey>;
}

const PREFIX = "sealed:v1:";
const encoder = new TextEncoder();
const decoder = new TextDecoder();
// Derived CryptoKeys per secret value: configuration, not request state, and importing costs a little.
const imported = new Map<string, Promise<Key>>();

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretKeyError";
  }
}

function importKey(secret: string, name: string): Promise<Key> {
  let key = imported.get(secret);
  if (!key) {
    key = (async () => {
      let raw: Uint8Array<ArrayBuffer>;
      try {
        raw = fromBase64Url(secret.trim().replace(/=+$/, ""));
      } catch {
        throw new SecretKeyError(`${name} is not base64.`);
      }
      if (raw.byteLength !== 32) throw new SecretKeyError(`${name} must be 32 bytes (base64 of 32 random bytes, e.g. \`openssl rand -base64 32\`), not ${raw.byteLength}.`);
      return { id: (await sha256Hex(secret.trim())).slice(0, 8), key: await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]) };
    })();
    imported.set(secret, key);
    key.catch(() => imported.delete(secret));
  }
  return key;
}

/** The keys from the environment; throws a SecretKeyError naming what to set when `SECRETS_KEY` is missing or malformed. */
export async function keyring(env: SecretKeys): Promise<Keyring> {
  if (!env.SECRETS_KEY) {
    throw new SecretKeyError("SECRETS_KEY is not set: `wrangler secret put SECRETS_KEY` with 32 random bytes in base64 (`openssl rand -base64 32`).");
  }
  const current = await importKey(env.SECRETS_KEY, "SECRETS_KEY");
  const all = new Map([[current.id, current.key]]);
  if (env.SECRETS_KEY_PREVIOUS) {
    const previous = await importKey(env.SECRETS_KEY_PREVIOUS, "SECRETS_KEY_PREVIOUS");
    all.set(previous.id, previous.key);
  }
  return { current, all };
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

/** Whether a stored value should be sealed (again): plaintext, or sealed with a key other than the current one. */
export function needsSealing(ring: Keyring, value: string): boolean {
  return !isSealed(value) || value.slice(PREFIX.length).split(":")[0] !== ring.current.id;
}

export async function seal(ring: Keyring, plaintext: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(context) }, ring.current.key, encoder.encode(plaintext));
  return `${PREFIX}${ring.current.id}:${toBase64Url(iv)}:${toBase64Url(new Uint8Array(sealed))}`;
}

/** The plaintext of a sealed value; a value that is not sealed (stored before sealing existed) is returned as it is. */
export async function open(ring: Keyring, value: string, context: string): Promise<string> {
  if (!isSealed(value)) return value;
  const [keyId, iv, ciphertext] = value.slice(PREFIX.length).split(":");
  const key = ring.all.get(keyId ?? "");
  if (!key || !iv || !ciphertext) {
    throw new SecretKeyError(`A secret was sealed with key ${keyId}, which is neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS.`);
  }
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64Url(iv), additionalData: encoder.encode(context) }, key, fromBase64Url(ciphertext));
  return decoder.decode(plain);
}
