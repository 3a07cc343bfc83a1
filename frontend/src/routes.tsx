import { createHashRouter } from "react-router";
import { AppShell } from "./components/layout/app-shell";
import { PlaceholderPage } from "./pages/placeholder";

// Hash routes: the webview loads one index.html, and the paths are those of
// spec §3 behind the '#'.
export const router = createHashRouter([
  {
    path: "/",
    element: <AppShell />,
    children: [
      { index: true, element: <PlaceholderPage title="Dashboard" /> },
      { path: "clusters", element: <PlaceholderPage title="Clusters" /> },
      { path: "clusters/new", element: <PlaceholderPage title="New cluster" /> },
      { path: "clusters/:id", element: <PlaceholderPage title="Cluster" /> },
      { path: "clusters/:id/edit", element: <PlaceholderPage title="Edit cluster" /> },
      { path: "customers", element: <PlaceholderPage title="Customers" /> },
      { path: "customers/new", element: <PlaceholderPage title="New customer" /> },
      { path: "customers/:id", element: <PlaceholderPage title="Customer" /> },
      { path: "customers/:id/edit", element: <PlaceholderPage title="Edit customer" /> },
      { path: "releases", element: <PlaceholderPage title="Releases" /> },
      { path: "releases/new", element: <PlaceholderPage title="New release" /> },
      { path: "releases/:id", element: <PlaceholderPage title="Release" /> },
      { path: "releases/:id/steps", element: <PlaceholderPage title="Template steps" /> },
      { path: "releases/:id/customer/:customerId", element: <PlaceholderPage title="Customer steps" /> },
      { path: "settings", element: <PlaceholderPage title="Settings" /> },
      { path: "*", element: <PlaceholderPage title="Not found" /> },
    ],
  },
]);
