import "./styles.css";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { getSession, onSessionChange, restoreSession, signOut, type Session } from "./api";
import { ApiKeysPage } from "./pages/api-keys";
import { AuditLogPage } from "./pages/audit-log";
import { CategoriesPage } from "./pages/categories";
import { CustomerPage, CustomersPage } from "./pages/customers";
import { DeadLettersPage } from "./pages/dead-letters";
import { OrderPage } from "./pages/order";
import { OrdersPage } from "./pages/orders";
import { ProductPage } from "./pages/product";
import { ProductsPage } from "./pages/products";
import { SignInPage } from "./pages/sign-in";
import { StaffPage } from "./pages/staff";
import { StockPage } from "./pages/stock";
import { DeliveriesPage, WebhooksPage } from "./pages/webhooks";
import { BASE, Link, match, navigate, useLocation, type Route } from "./router";
import { Announcer, Page } from "./ui";

const routes: Route[] = [
  { pattern: `${BASE}`, render: () => <OrdersPage /> },
  { pattern: `${BASE}/orders`, render: () => <OrdersPage /> },
  { pattern: `${BASE}/review`, render: () => <OrdersPage review /> },
  { pattern: `${BASE}/orders/:id`, render: (p) => <OrderPage id={p.id!} /> },
  { pattern: `${BASE}/products`, render: () => <ProductsPage /> },
  { pattern: `${BASE}/products/new`, render: () => <ProductPage /> },
  { pattern: `${BASE}/products/:id`, render: (p) => <ProductPage id={p.id!} /> },
  { pattern: `${BASE}/categories`, render: () => <CategoriesPage /> },
  { pattern: `${BASE}/stock`, render: () => <StockPage /> },
  { pattern: `${BASE}/stock/:sku`, render: (p) => <StockPage sku={p.sku!} /> },
  { pattern: `${BASE}/customers`, render: () => <CustomersPage /> },
  { pattern: `${BASE}/customers/:id`, render: (p) => <CustomerPage id={p.id!} /> },
  { pattern: `${BASE}/webhooks`, render: () => <WebhooksPage /> },
  { pattern: `${BASE}/webhooks/deliveries`, render: () => <DeliveriesPage /> },
  { pattern: `${BASE}/dead-letters`, render: () => <DeadLettersPage /> },
  { pattern: `${BASE}/api-keys`, render: () => <ApiKeysPage /> },
  { pattern: `${BASE}/staff`, render: () => <StaffPage /> },
  { pattern: `${BASE}/audit-log`, render: () => <AuditLogPage /> },
];

const nav: { href: string; label: string; section?: string }[] = [
  { href: `${BASE}/orders`, label: "Orders", section: "Sales" },
  { href: `${BASE}/review`, label: "Review queue" },
  { href: `${BASE}/customers`, label: "Customers" },
  { href: `${BASE}/products`, label: "Products", section: "Catalog" },
  { href: `${BASE}/categories`, label: "Categories" },
  { href: `${BASE}/stock`, label: "Stock" },
  { href: `${BASE}/webhooks`, label: "Webhooks", section: "Integrations" },
  { href: `${BASE}/webhooks/deliveries`, label: "Deliveries" },
  { href: `${BASE}/dead-letters`, label: "Dead letters" },
  { href: `${BASE}/api-keys`, label: "API keys", section: "Settings" },
  { href: `${BASE}/staff`, label: "Staff" },
  { href: `${BASE}/audit-log`, label: "Audit log" },
];

function useSession(): Session | undefined {
  const [session, setSession] = useState(getSession());
  useEffect(() => onSessionChange(() => setSession(getSession())), []);
  return session;
}

function Shell(props: { session: Session }) {
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  const found = match(routes, path);
  const who = props.session.kind === "staff" ? `${props.session.staff.name || props.session.staff.email} · ${props.session.staff.role.replace("_", "-")}` : props.session.label;
  const section = (href: string) => path === href || (href !== `${BASE}/webhooks` && path.startsWith(`${href}/`)) || (href === `${BASE}/orders` && path === BASE);
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href={`${BASE}/orders`} class="brand">
          Edgeshop <span>admin</span>
        </Link>
        <button type="button" class="menu-toggle secondary" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <div class="who">
          <span class="muted" data-testid="signed-in-as">
            {who}
          </span>
          <button type="button" class="link" onClick={() => signOut().then(() => navigate(`${BASE}/sign-in`))}>
            Sign out
          </button>
        </div>
      </header>
      <nav id="nav" aria-label="Admin" class={menuOpen ? "open" : ""}>
        <ul>
          {nav.map((item) => (
            <li key={item.href} class={item.section ? "section-start" : ""}>
              {item.section ? <span class="section">{item.section}</span> : null}
              <Link href={item.href} aria-current={section(item.href) ? "page" : undefined}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main">
        {found ? (
          found.route.render(found.params)
        ) : (
          <Page title="Not found">
            <p>
              There is no admin page at <code>{path}</code>. <Link href={`${BASE}/orders`}>Go to orders</Link>.
            </p>
          </Page>
        )}
      </main>
      <Announcer />
    </div>
  );
}

function App() {
  const session = useSession();
  const { path } = useLocation();
  const [restored, setRestored] = useState(false);
  useEffect(() => {
    restoreSession().finally(() => setRestored(true));
  }, []);
  useEffect(() => {
    if (!restored) return;
    if (!session && path !== `${BASE}/sign-in`) navigate(`${BASE}/sign-in?next=${encodeURIComponent(path + location.search)}`, { replace: true });
    if (session && path === `${BASE}/sign-in`) navigate(new URLSearchParams(location.search).get("next") || `${BASE}/orders`, { replace: true });
  }, [restored, session, path]);
  if (!restored) return <p class="boot">Loading the Edgeshop admin…</p>;
  if (!session) return <SignInPage />;
  return <Shell session={session} />;
}

render(<App />, document.getElementById("app")!);
