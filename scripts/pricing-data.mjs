// Demo markets, tax and shipping (docs/pricing.md): EU (EUR, prices include VAT), UK (GBP, include VAT),
// US (USD, sales tax on top). Rates are real standard and reduced VAT rates as of 2026; US rates are
// the state base rates of four states (a real shop would use a tax service for US local rates).

export const EU_COUNTRIES = ["DE", "FR", "NL", "BE", "AT", "IT", "ES", "IE", "FI", "PT", "LU"];

export const demoMarkets = [
  { handle: "eu", name: "Europe", currency: "EUR", pricesIncludeTax: true, countries: EU_COUNTRIES, isDefault: true },
  { handle: "uk", name: "United Kingdom", currency: "GBP", pricesIncludeTax: true, countries: ["GB"] },
  { handle: "us", name: "United States", currency: "USD", pricesIncludeTax: false, countries: ["US"] },
];

const vat = { DE: [1900, 700], FR: [2000, 550], NL: [2100, 900], BE: [2100, 600], AT: [2000, 1000], IT: [2200, 1000], ES: [2100, 1000], IE: [2300, 1350], FI: [2550, 1400], PT: [2300, 600], LU: [1700, 800], GB: [2000, 500] };

export const demoTaxRates = [
  { country: "*", rate: 0, name: "No tax" },
  ...Object.entries(vat).flatMap(([country, [standard, reduced]]) => [
    { country, taxClass: "standard", rate: standard, name: "VAT" },
    { country, taxClass: "reduced", rate: reduced, name: "VAT (reduced)" },
  ]),
  { country: "US", region: "CA", rate: 725, name: "California sales tax" },
  { country: "US", region: "NY", rate: 400, name: "New York sales tax" },
  { country: "US", region: "TX", rate: 625, name: "Texas sales tax" },
  { country: "US", region: "WA", rate: 650, name: "Washington sales tax" },
];

/** Zones by name, each with its methods; `market` is a handle. Weight bands in grams, amounts in minor units. */
export const demoShipping = [
  {
    zone: { name: "European Union", countries: EU_COUNTRIES },
    methods: [
      { market: "eu", currency: "EUR", name: "Standard", description: "DHL Paket, 2-4 days", kind: "weight", bands: [{ upTo: 1000, amount: 490 }, { upTo: 5000, amount: 690 }, { upTo: 20000, amount: 1290 }], freeOver: 7500 },
      { market: "eu", currency: "EUR", name: "Express", description: "Next working day", kind: "flat", amount: 1490, position: 1 },
    ],
  },
  {
    zone: { name: "United Kingdom", countries: ["GB"] },
    methods: [{ market: "uk", currency: "GBP", name: "Royal Mail Tracked", kind: "weight", bands: [{ upTo: 1000, amount: 395 }, { upTo: 5000, amount: 595 }, { upTo: 20000, amount: 995 }], freeOver: 6000 }],
  },
  {
    zone: { name: "United States", countries: ["US"] },
    // Shipping separately stated is not taxed in most of these states: class zero.
    methods: [{ market: "us", currency: "USD", name: "Ground", description: "UPS Ground, 3-5 days", kind: "weight", bands: [{ upTo: 1000, amount: 799 }, { upTo: 5000, amount: 1299 }, { upTo: null, amount: 2499 }], freeOver: 10000, taxClass: "zero" }],
  },
  {
    zone: { name: "Rest of world", countries: ["*"] },
    methods: [{ market: "eu", currency: "EUR", name: "International", kind: "flat", amount: 1990 }],
  },
];

/** The sale of the README tour: the same products on sale in two markets, each in its own currency. */
export const SALE_CATEGORY = "apparel-men-t-shirts";
export const demoSales = [
  { name: "Winter sale", market: "eu", currency: "EUR", percentOff: 20 },
  { name: "Holiday sale", market: "us", currency: "USD", percentOff: 25 },
];

/** The discount code of the README tour: 10% off the sale's t-shirts, in every market, on top of the sale prices. */
export const demoPromotions = [
  { title: "10% off men's t-shirts", trigger: "code", codes: ["SHIRTS10"], category: SALE_CATEGORY, percent: 10 },
];
