// Deterministic demo catalog: a three-level category tree and 240 products with 2-5 variants each.
// Same output on every run (seeded PRNG), so seeding is idempotent by slug and SKU.

function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tree = {
  Apparel: {
    Men: { "T-Shirts": ["tee", "shirt"], Hoodies: ["hoodie", "sweatshirt"], Jackets: ["jacket", "parka"] },
    Women: { Dresses: ["dress", "sundress"], Knitwear: ["sweater", "cardigan"], Shirts: ["blouse", "shirt"] },
    Accessories: { Hats: ["beanie", "cap"], Bags: ["tote", "backpack"], Socks: ["socks", "ankle socks"] },
  },
  "Home & Kitchen": {
    Kitchen: { Cookware: ["skillet", "saucepan"], Knives: ["chef knife", "paring knife"], Coffee: ["pour-over kettle", "french press"] },
    Living: { Lighting: ["table lamp", "floor lamp"], Textiles: ["throw blanket", "cushion cover"], Decor: ["vase", "planter"] },
  },
  Outdoors: {
    Camping: { Tents: ["tent", "tarp"], Sleeping: ["sleeping bag", "sleeping pad"], Cooking: ["camp stove", "mess kit"] },
    Running: { Shoes: ["trail runner", "road runner"], Apparel: ["running tights", "running vest"], Gear: ["hydration belt", "headlamp"] },
  },
};

const adjectives = ["Classic", "Everyday", "Heritage", "Lightweight", "Essential", "Alpine", "Coastal", "Urban", "Nordic", "Trail", "Studio", "Weekend"];
const materials = {
  Apparel: ["Organic Cotton", "Merino", "Linen", "Recycled Nylon", "Hemp", "Alpaca", "Waxed Canvas"],
  "Home & Kitchen": ["Cast Iron", "Stainless Steel", "Oak", "Ceramic", "Bamboo", "Linen", "Walnut"],
  Outdoors: ["Recycled Nylon", "Ripstop", "Merino", "Aluminium", "Waxed Canvas", "Titanium"],
};
const colours = ["Navy", "Black", "Stone", "Olive", "Rust", "Sand", "Forest", "Charcoal", "Sky", "Ivory"];
const sizes = ["XS", "S", "M", "L", "XL"];
const capacities = ["Small", "Medium", "Large"];
const priceBands = { Apparel: [1900, 12900], "Home & Kitchen": [1500, 24900], Outdoors: [2500, 39900] };
/** Shipping weight of the first variant and the step between variants, in grams. */
const weights = { Apparel: [250, 50], "Home & Kitchen": [800, 400], Outdoors: [600, 300] };

/** A price in another market's currency: EUR scaled, rounded to a whole unit minus one (19.99 style). */
export const convert = (eur, rate) => Math.max(99, Math.round((eur * rate) / 100) * 100 - 1);
/** GBP prices include UK VAT like EUR ones include EU VAT; USD prices are before sales tax. */
export const MARKET_RATES = { GBP: 0.86, USD: 0.95 };

export const slugify = (s) =>
  s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");

/** Categories in parent-first order, each with a slug and its parent's slug. */
export function demoCategories() {
  const out = [];
  let position = 0;
  for (const [top, mids] of Object.entries(tree)) {
    const topSlug = slugify(top);
    out.push({ name: top, slug: topSlug, parent: null, position: position++ });
    for (const [mid, leaves] of Object.entries(mids)) {
      const midSlug = `${topSlug}-${slugify(mid)}`;
      out.push({ name: mid, slug: midSlug, parent: topSlug, position: position++ });
      for (const leaf of Object.keys(leaves)) out.push({ name: leaf, slug: `${midSlug}-${slugify(leaf)}`, parent: midSlug, position: position++ });
    }
  }
  return out;
}

/** 240 products spread over the leaf categories, with variants, prices and starting stock. */
export function demoProducts(count = 240) {
  const rand = mulberry32(20261126);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const leaves = [];
  for (const [top, mids] of Object.entries(tree)) {
    for (const [mid, leafMap] of Object.entries(mids)) {
      for (const [leaf, nouns] of Object.entries(leafMap)) leaves.push({ top, slug: `${slugify(top)}-${slugify(mid)}-${slugify(leaf)}`, nouns, apparel: top === "Apparel" || mid === "Running" });
    }
  }
  const products = [];
  const seen = new Set();
  for (let i = 0; products.length < count; i++) {
    const leaf = leaves[i % leaves.length];
    const noun = pick(leaf.nouns);
    const material = pick(materials[leaf.top]);
    const title = `${pick(adjectives)} ${material} ${noun.replace(/\b\w/g, (c) => c.toUpperCase())}`;
    let slug = slugify(title);
    if (seen.has(slug)) slug = `${slug}-${products.length + 1}`;
    seen.add(slug);
    const [lo, hi] = priceBands[leaf.top];
    const base = Math.round((lo + rand() * (hi - lo)) / 100) * 100 - 1;
    const variantCount = 2 + Math.floor(rand() * 4);
    const colour = pick(colours);
    const axis = leaf.apparel ? sizes : capacities;
    const variants = [];
    for (let v = 0; v < variantCount; v++) {
      const option = v < axis.length ? axis[v] : `${axis[v % axis.length]} ${colours[v % colours.length]}`;
      const options = leaf.apparel ? { size: option, colour } : { size: option };
      const onSale = rand() < 0.15;
      const eur = base + v * (leaf.apparel ? 0 : 1000);
      const eurWas = base + 1000 + v * (leaf.apparel ? 0 : 1000);
      // Derived, not drawn: the random sequence (and so every slug and SKU) stays what it was.
      const [firstWeight, weightStep] = weights[leaf.top];
      variants.push({
        sku: `${slug.split("-").map((w) => w.slice(0, 3)).join("").toUpperCase().slice(0, 18)}-${String(products.length + 1).padStart(3, "0")}-${v + 1}`,
        options,
        price: { amount: eur, currency: "EUR" },
        ...(onSale && { compareAtPrice: { amount: eurWas, currency: "EUR" } }),
        prices: Object.entries(MARKET_RATES).map(([currency, rate]) => ({ currency, amount: convert(eur, rate), ...(onSale && { compareAtAmount: convert(eurWas, rate) }) })),
        weightGrams: firstWeight + v * weightStep,
        stock: rand() < 0.08 ? 0 : 3 + Math.floor(rand() * 60),
      });
    }
    products.push({
      title,
      slug,
      status: rand() < 0.95 ? "active" : "draft",
      description: `${title}: ${pick(["built to last", "made in small batches", "designed for everyday use", "tested on the trail", "a customer favourite"])}, in ${colour.toLowerCase()}. ${pick(["Care: machine wash cold.", "Care: wipe clean.", "Ships in recycled packaging.", "Two-year warranty."])}`,
      images: [`https://images.edgeshop.dev/demo/${slug}.jpg`],
      attributes: { material: material.toLowerCase(), colour: colour.toLowerCase() },
      categorySlug: leaf.slug,
      variants,
    });
  }
  return products;
}
