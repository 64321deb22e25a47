import { useState } from "preact/hooks";
import { api, ApiError, imagesApi, unwrap, type Schemas } from "../api";
import { fromMinor, toMinor } from "../money";
import { BASE, Link, navigate } from "../router";
import { announce, Field, fieldError, Loading, Page, ProblemAlert, useAsync } from "../ui";

type Product = Schemas["Product"];
type Variant = Schemas["Variant"];
type CategoryNode = Schemas["CategoryNode"];
/**
 * The base price the form edits: in the currency of the market the product was read in (the default
 * market for the admin), else the variant's first currency. Not `price`, which may be a price list's.
 */
function basePrice(v: Variant): { amount: number; currency: string } {
  const currency = v.price?.currency ?? v.prices[0]?.currency ?? "EUR";
  return { amount: v.prices.find((p) => p.currency === currency)?.amount ?? 0, currency };
}


function flatten(nodes: CategoryNode[], depth = 0): { id: string; name: string; depth: number }[] {
  return nodes.flatMap((n) => [{ id: n.id, name: n.name, depth }, ...flatten((n.children ?? []) as CategoryNode[], depth + 1)]);
}

/** "colour=natural, size=M" <-> { colour: "natural", size: "M" } */
function parseOptions(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(",")
      .map((pair) => pair.split("=").map((s) => s.trim()))
      .filter((pair): pair is [string, string] => pair.length === 2 && !!pair[0] && !!pair[1]),
  );
}
const printOptions = (options: Record<string, string> | undefined) =>
  Object.entries(options ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");

const invalidMoney = (pointer: string) =>
  new ApiError(400, { type: "about:blank", title: "Check the price", status: 400, detail: "Prices are decimals such as 39.90.", errors: [{ pointer, detail: "Enter a price such as 39.90." }] });

export function ProductPage(props: { id?: string }) {
  const categories = useAsync(async () => flatten(unwrap(await api.GET("/v1/categories")).data as CategoryNode[]), []);
  const product = useAsync(async () => (props.id ? unwrap(await api.GET("/v1/products/{idOrSlug}", { params: { path: { idOrSlug: props.id } } })) : undefined), [props.id]);
  const p = product.data;
  if (props.id && !p) {
    return (
      <Page title="Product">
        <ProblemAlert error={product.error} />
        {product.loading ? <Loading what="the product" /> : null}
      </Page>
    );
  }
  return (
    <Page title={p ? p.title : "New product"}>
      <p>
        <Link href={`${BASE}/products`}>← All products</Link>
        {p?.status === "active" ? (
          <>
            {" · "}
            <a href={`/p/${p.slug}`}>View in the storefront</a>
          </>
        ) : null}
      </p>
      <div class="grid">
        <ProductForm product={p} categories={categories.data ?? []} onSaved={(saved) => (p ? product.set(saved) : navigate(`${BASE}/products/${saved.id}`))} />
        {p ? <Variants product={p} onChange={product.reload} /> : null}
        {p ? <Images product={p} onChange={product.reload} /> : null}
      </div>
    </Page>
  );
}

function ProductForm(props: { product?: Product; categories: { id: string; name: string; depth: number }[]; onSaved: (p: Product) => void }) {
  const p = props.product;
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [variants, setVariants] = useState([0]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const base = {
      title: String(form.get("title")).trim(),
      description: String(form.get("description") ?? ""),
      status: String(form.get("status")) as Product["status"],
      categoryIds: form.getAll("categoryIds").map(String),
      ...(String(form.get("slug") ?? "").trim() ? { slug: String(form.get("slug")).trim() } : {}),
    };
    setBusy(true);
    setError(undefined);
    try {
      if (p) {
        const saved = unwrap(await api.PATCH("/v1/products/{idOrSlug}", { params: { path: { idOrSlug: p.id } }, body: base }));
        announce("Product saved.");
        props.onSaved(saved);
      } else {
        const rows = variants.map((i) => {
          const currency = String(form.get(`v${i}.currency`) || "EUR").toUpperCase();
          const amount = toMinor(String(form.get(`v${i}.price`)), currency);
          if (amount === undefined) throw invalidMoney(`/variants/${i}/price/amount`);
          const title = String(form.get(`v${i}.title`) ?? "").trim();
          return { sku: String(form.get(`v${i}.sku`)).trim(), ...(title ? { title } : {}), options: parseOptions(String(form.get(`v${i}.options`) ?? "")), price: { amount, currency } };
        });
        const created = unwrap(await api.POST("/v1/products", { body: { ...base, variants: rows } }));
        announce(`Product ${created.title} created.`);
        props.onSaved(created);
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card wide" aria-labelledby="details-title">
      <h2 id="details-title">Details</h2>
      <form onSubmit={submit}>
        <ProblemAlert error={error} />
        <Field label="Title" name="title" required defaultValue={p?.title} error={fieldError(error, "/title")} />
        <Field label="Slug" name="slug" defaultValue={p?.slug} hint="Lower-case words and dashes; made from the title when empty." error={fieldError(error, "/slug")} />
        <div class="field">
          <label for="f-description">Description</label>
          <textarea id="f-description" name="description" rows={4} defaultValue={p?.description} />
        </div>
        <div class="field">
          <label for="f-status">Status</label>
          <select id="f-status" name="status">
            {[
              ["draft", "Draft (hidden from shoppers)"],
              ["active", "Active (on sale)"],
              ["archived", "Archived"],
            ].map(([value, label]) => (
              <option key={value} value={value} selected={(p?.status ?? "draft") === value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <fieldset class="categories">
          <legend>Categories</legend>
          <div class="checklist">
            {props.categories.map((c) => (
              <label key={c.id} style={{ paddingInlineStart: `${c.depth * 1.1}rem` }}>
                <input type="checkbox" name="categoryIds" value={c.id} defaultChecked={p?.categoryIds.includes(c.id)} /> {c.name}
              </label>
            ))}
          </div>
        </fieldset>
        {!p
          ? variants.map((i, n) => (
              <fieldset key={i} class="variant-row">
                <legend>Variant {n + 1}</legend>
                <Field label="SKU" name={`v${i}.sku`} required error={fieldError(error, `/variants/${n}/sku`)} />
                <Field label="Variant title" name={`v${i}.title`} hint="Optional, e.g. Natural / M" />
                <Field label="Options" name={`v${i}.options`} hint="name=value pairs, e.g. colour=natural, size=M" />
                <div class="inline">
                  <Field label="Price" name={`v${i}.price`} inputMode="decimal" required placeholder="39.90" error={fieldError(error, `/variants/${n}/price/amount`)} />
                  <Field label="Currency" name={`v${i}.currency`} defaultValue="EUR" maxLength={3} required error={fieldError(error, `/variants/${n}/price/currency`)} />
                </div>
              </fieldset>
            ))
          : null}
        <div class="button-row">
          {!p ? (
            <button type="button" class="secondary" onClick={() => setVariants([...variants, Math.max(...variants) + 1])}>
              Add another variant
            </button>
          ) : null}
          <button type="submit" disabled={busy}>
            {busy ? "Saving…" : p ? "Save product" : "Create product"}
          </button>
        </div>
      </form>
    </section>
  );
}

function Variants(props: { product: Product; onChange: () => void }) {
  const firstVariant = props.product.variants[0];
  const [error, setError] = useState<unknown>();
  const skus = props.product.variants.map((v) => v.sku).join(",");
  const levels = useAsync(
    async () =>
      Object.fromEntries(
        await Promise.all(
          props.product.variants.map(async (v) => {
            const r = await api.GET("/v1/inventory/{sku}", { params: { path: { sku: v.sku } } });
            return [v.sku, r.data] as const;
          }),
        ),
      ),
    [skus],
  );

  const act = async (work: () => Promise<unknown>, message: string) => {
    setError(undefined);
    try {
      await work();
      announce(message);
      props.onChange();
      levels.reload();
    } catch (e) {
      setError(e);
    }
  };

  const setStock = (v: Variant) => (event: Event) => {
    event.preventDefault();
    const onHand = Number(new FormData(event.currentTarget as HTMLFormElement).get("onHand"));
    const current = levels.data?.[v.sku];
    void act(
      async () => unwrap(await api.PUT("/v1/inventory/{sku}", { params: { path: { sku: v.sku } }, body: { onHand, expected: current?.onHand ?? 0, reason: "restock" } })),
      `Stock of ${v.sku} set to ${onHand}.`,
    );
  };
  const setPrice = (v: Variant) => (event: Event) => {
    event.preventDefault();
    const { currency } = basePrice(v);
    const amount = toMinor(String(new FormData(event.currentTarget as HTMLFormElement).get("price")), currency);
    if (amount === undefined) return setError(invalidMoney("/price/amount"));
    void act(async () => unwrap(await api.PATCH("/v1/variants/{id}", { params: { path: { id: v.id } }, body: { price: { amount, currency } } })), `Price of ${v.sku} saved.`);
  };
  const addVariant = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const currency = firstVariant ? basePrice(firstVariant).currency : "EUR";
    const amount = toMinor(String(form.get("price")), currency);
    if (amount === undefined) return setError(invalidMoney("/price/amount"));
    void act(
      async () =>
        unwrap(
          await api.POST("/v1/products/{idOrSlug}/variants", {
            params: { path: { idOrSlug: props.product.id } },
            body: { sku: String(form.get("sku")).trim(), options: parseOptions(String(form.get("options") ?? "")), price: { amount, currency } },
          }),
        ),
      "Variant added.",
    );
    (event.currentTarget as HTMLFormElement).reset();
  };

  return (
    <section class="card wide" aria-labelledby="variants-title">
      <h2 id="variants-title">Variants and stock</h2>
      <ProblemAlert error={error} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col">Options</th>
              <th scope="col">Price</th>
              <th scope="col">Stock</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.product.variants.map((v) => {
              const level = levels.data?.[v.sku];
              return (
                <tr key={v.id}>
                  <th scope="row">
                    <Link href={`${BASE}/stock/${encodeURIComponent(v.sku)}`}>{v.sku}</Link>
                  </th>
                  <td>{printOptions(v.options as Record<string, string>) || <span class="muted">–</span>}</td>
                  <td>
                    <form class="inline-form" onSubmit={setPrice(v)} aria-label={`Price of ${v.sku}`}>
                      <label class="visually-hidden" for={`price-${v.id}`}>
                        Price of {v.sku} ({basePrice(v).currency})
                      </label>
                      <input id={`price-${v.id}`} name="price" inputMode="decimal" size={7} defaultValue={fromMinor(basePrice(v).amount, basePrice(v).currency)} />
                      <span class="muted">{basePrice(v).currency}</span>
                      <button type="submit" class="secondary small">
                        Save
                      </button>
                    </form>
                  </td>
                  <td>
                    {/* Rendered once the level is known: an input typed into before then would be reset by it. */}
                    {!levels.data ? (
                      <span class="muted small">Loading…</span>
                    ) : (
                    <form class="inline-form" onSubmit={setStock(v)} aria-label={`Stock of ${v.sku}`}>
                      <label class="visually-hidden" for={`stock-${v.id}`}>
                        On hand for {v.sku}
                      </label>
                      <input id={`stock-${v.id}`} name="onHand" type="number" min={0} size={5} defaultValue={String(level?.onHand ?? 0)} key={`${v.sku}-${level?.version}`} />
                      <button type="submit" class="secondary small">
                        Set
                      </button>
                      <span class="muted small" data-testid={`available-${v.sku}`}>
                        {level ? `${level.available} available` : ""}
                      </span>
                    </form>
                    )}
                  </td>
                  <td>
                    <button
                      type="button"
                      class="link danger"
                      onClick={() => confirm(`Delete variant ${v.sku}?`) && act(async () => unwrap(await api.DELETE("/v1/variants/{id}", { params: { path: { id: v.id } } })), `Variant ${v.sku} deleted.`)}
                    >
                      Delete<span class="visually-hidden"> {v.sku}</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <form class="add-variant" onSubmit={addVariant} aria-labelledby="add-variant-title">
        <h3 id="add-variant-title">Add a variant</h3>
        <div class="inline">
          <Field label="SKU" name="sku" required />
          <Field label="Options" name="options" placeholder="size=L" />
          <Field label={`Price (${firstVariant ? basePrice(firstVariant).currency : "EUR"})`} name="price" inputMode="decimal" required />
        </div>
        <button type="submit" class="secondary">
          Add variant
        </button>
      </form>
    </section>
  );
}

function Images(props: { product: Product; onChange: () => void }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const images = props.product.images;
  const upload = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const file = data.get("image");
    if (!(file instanceof File) || !file.size) return;
    setBusy(true);
    setError(undefined);
    try {
      await imagesApi.upload(props.product.id, file, String(data.get("alt") ?? ""));
      announce("Image uploaded.");
      form.reset();
      props.onChange();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="images-title">
      <h2 id="images-title">Images</h2>
      <ProblemAlert error={error} />
      {images.length ? (
        <ul class="thumbs">
          {images.map((image, i) => {
            const { id: imageId, url, alt } = image;
            return (
              <li key={url}>
                <img src={url.startsWith("/images/") ? `${url}${url.includes("?") ? "&" : "?"}w=160` : url} alt={alt || `Image ${i + 1} of ${props.product.title}`} width={96} height={96} loading="lazy" />
                {imageId ? (
                  <button
                    type="button"
                    class="link danger small"
                    onClick={() =>
                      imagesApi.remove(props.product.id, imageId).then(
                        () => (announce("Image removed."), props.onChange()),
                        (e) => setError(e),
                      )
                    }
                  >
                    Remove<span class="visually-hidden"> image {i + 1}</span>
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <p class="muted">No images yet.</p>
      )}
      <form onSubmit={upload}>
        <div class="field">
          <label for="f-image">Upload an image</label>
          <input id="f-image" name="image" type="file" accept="image/png,image/jpeg,image/webp" required aria-describedby="f-image-hint" />
          <p class="hint" id="f-image-hint">
            PNG, JPEG or WebP, at most 10 MiB.
          </p>
        </div>
        <Field label="Alternative text" name="alt" hint="What the image shows, for people who cannot see it." />
        <button type="submit" class="secondary" disabled={busy}>
          {busy ? "Uploading…" : "Upload image"}
        </button>
      </form>
    </section>
  );
}
