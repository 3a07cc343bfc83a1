import { Breadcrumb } from "./breadcrumb";

export function Header() {
  return (
    <header className="flex h-14 shrink-0 items-center gap-3 border-b border-border bg-background/80 px-6 backdrop-blur">
      <Breadcrumb />
    </header>
  );
}
