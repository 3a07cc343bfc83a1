import { createHashRouter } from "react-router";
import { queryClient } from "./api/query-client";
import { customersQuery } from "./api/customers";
import { matrixQuery } from "./api/steps";
import { AppShell } from "./components/layout/app-shell";
import { DashboardPage } from "./pages/dashboard";
import { ClusterDetailPage, ClusterFormPage, ClustersPage } from "./pages/clusters";
import { CustomerDetailPage, CustomerFormPage, CustomersPage, listFilterOf } from "./pages/customers";
import { ReleasesPage } from "./pages/releases";
import { NewReleasePage } from "./pages/release-new";
import { ReleaseMatrixPage } from "./pages/release-matrix";
import { ReleaseStepsPage } from "./pages/release-steps";
import { ReleaseCustomerPage } from "./pages/release-customer";
import { ReleaseActivityPage } from "./pages/release-activity";
import { FocusModePage } from "./pages/focus-mode";
import { SettingsPage } from "./pages/settings";
import { EmptyState } from "./components/ui/misc";
import { Compass } from "lucide-react";

// prefetch starts a page's main read from its route's loader, as the
// navigation begins: the page's own query then finds it running (or
// answered) instead of starting it once the page has rendered. Nothing
// waits for it; a failure shows in the page's query as before.
const prefetch = (q: { queryKey: readonly unknown[]; queryFn: () => Promise<unknown> }) => {
  void queryClient.prefetchQuery(q);
  return null;
};

// Hash routes: the webview loads one index.html, and the paths are those of
// the specification's pages behind the '#' (docs/design.md, "Screens").
export const router = createHashRouter([
  {
    path: "/",
    element: <AppShell />,
    children: [
      { index: true, element: <DashboardPage /> },
      { path: "clusters", element: <ClustersPage /> },
      { path: "clusters/new", element: <ClusterFormPage /> },
      { path: "clusters/:id", element: <ClusterDetailPage /> },
      { path: "clusters/:id/edit", element: <ClusterFormPage /> },
      { path: "customers", element: <CustomersPage />, loader: ({ request }) => prefetch(customersQuery(listFilterOf(new URL(request.url).searchParams))) },
      { path: "customers/new", element: <CustomerFormPage /> },
      { path: "customers/:id", element: <CustomerDetailPage /> },
      { path: "customers/:id/edit", element: <CustomerFormPage /> },
      { path: "releases", element: <ReleasesPage /> },
      { path: "releases/new", element: <NewReleasePage /> },
      {
        path: "releases/:id",
        element: <ReleaseMatrixPage />,
        loader: ({ params }) => {
          const id = Number(params.id);
          return id > 0 ? prefetch(matrixQuery(id)) : null;
        },
      },
      { path: "releases/:id/steps", element: <ReleaseStepsPage /> },
      { path: "releases/:id/customer/:customerId", element: <ReleaseCustomerPage /> },
      { path: "releases/:id/activity", element: <ReleaseActivityPage /> },
      { path: "releases/:id/focus/:customerId", element: <FocusModePage /> },
      { path: "settings", element: <SettingsPage /> },
      { path: "*", element: <div className="p-8"><EmptyState icon={<Compass />} title="Nothing here">This page does not exist.</EmptyState></div> },
    ],
  },
]);
