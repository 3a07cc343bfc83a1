import { Breadcrumb } from "./breadcrumb";

export function Header() {
  return (
    <header className="flex h-12 shrink-0 items-center gap-3 border-b border-border bg-background px-6">
      <Breadcrumb />
    </header>
  );
}
