import { createContext, useContext, useEffect, useState, type ReactNode } from "react";

type Names = Record<string, string>;
const Ctx = createContext<{ names: Names; set: (path: string, name: string | undefined) => void }>({ names: {}, set: () => {} });

export function CrumbProvider({ children }: { children: ReactNode }) {
  const [names, setNames] = useState<Names>({});
  const set = (path: string, name: string | undefined) =>
    setNames((n) => (name === undefined || n[path] === name ? n : { ...n, [path]: name }));
  return <Ctx.Provider value={{ names, set }}>{children}</Ctx.Provider>;
}

/** useCrumb names a path segment of the breadcrumb (a release's name, say). */
export function useCrumb(path: string, name: string | undefined) {
  const { set } = useContext(Ctx);
  useEffect(() => set(path, name), [path, name]); // eslint-disable-line react-hooks/exhaustive-deps
}

export const useCrumbNames = () => useContext(Ctx).names;
