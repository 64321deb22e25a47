import { describe, expect, it } from "vitest";
import { checkWebhookUrl } from "../../src/modules/webhooks/url-policy";

const production = { allowPrivate: false };

describe("webhook URL policy (SSRF)", () => {
  it.each([
    ["http://hooks.example.com/x", /Only https/],
    ["ftp://hooks.example.com/x", /Only https/],
    ["file:///etc/passwd", /Only https/],
    ["https://user:pw@hooks.example.com/x", /Credentials/],
    ["https://localhost/x", /internal/],
    ["https://api.localhost/x", /internal/],
    ["https://metadata.google.internal/computeMetadata/v1/", /internal/],
    ["https://printer.local/", /internal/],
    ["https://intranet/", /fully qualified/],
    ["https://127.0.0.1/x", /loopback/],
    ["https://127.1/x", /loopback/],
    ["https://2130706433/x", /loopback/],
    ["https://0x7f000001/x", /loopback/],
    ["https://0177.0.0.1/x", /loopback/],
    ["https://0.0.0.0/x", /this-network/],
    ["https://10.1.2.3/x", /private/],
    ["https://172.16.0.1/x", /private/],
    ["https://172.31.255.255/x", /private/],
    ["https://192.168.1.1/x", /private/],
    ["https://100.64.0.1/x", /carrier-grade/],
    ["https://169.254.169.254/latest/meta-data/", /link-local/],
    ["https://0xa9fea9fe/", /link-local/],
    ["https://224.0.0.1/", /multicast/],
    ["https://[::1]/x", /loopback/],
    ["https://[::]/x", /unspecified/],
    ["https://[::ffff:127.0.0.1]/x", /loopback.*embedded in IPv6/],
    ["https://[::ffff:a9fe:a9fe]/x", /link-local.*embedded in IPv6/],
    ["https://[64:ff9b::10.0.0.1]/x", /private.*embedded/],
    ["https://[fd00:ec2::254]/", /unique-local/],
    ["https://[fe80::1]/", /link-local/],
    ["https://[ff02::1]/", /multicast/],
    ["not a url", /absolute URL/],
  ])("refuses %s", (url, reason) => {
    const verdict = checkWebhookUrl(url, production);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? "" : verdict.reason).toMatch(reason);
  });

  it.each(["https://hooks.example.com/edgeshop", "https://8.8.8.8/x", "https://172.32.0.1/x", "https://[2606:4700:4700::1111]/x", "https://erp.example.co.uk:8443/in"])("allows %s", (url) => {
    expect(checkWebhookUrl(url, production).ok).toBe(true);
  });

  it("lets the development flag allow http and private targets, but not other schemes", () => {
    expect(checkWebhookUrl("http://127.0.0.1:9999/hook", { allowPrivate: true }).ok).toBe(true);
    expect(checkWebhookUrl("http://localhost:9999/hook", { allowPrivate: true }).ok).toBe(true);
    expect(checkWebhookUrl("file:///etc/passwd", { allowPrivate: true }).ok).toBe(false);
  });
});
