export type Theme = "system" | "light" | "dark";

const media = () => window.matchMedia("(prefers-color-scheme: dark)");

/** applyTheme sets the dark class on <html>; "system" follows the OS live. */
export function applyTheme(theme: Theme): () => void {
  const root = document.documentElement;
  const set = () => {
    const dark = theme === "dark" || (theme === "system" && media().matches);
    root.classList.toggle("dark", dark);
  };
  set();
  if (theme !== "system") return () => {};
  const m = media();
  m.addEventListener("change", set);
  return () => m.removeEventListener("change", set);
}
