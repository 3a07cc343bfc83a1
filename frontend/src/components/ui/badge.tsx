import type { HTMLAttributes } from "react";
import { cva, type VariantProps } from "class-variance-authority";
import { cn } from "@/lib/utils";

const badgeVariants = cva("inline-flex items-center gap-1 rounded-md px-1.5 py-0.5 text-[11px] font-medium ring-1 ring-inset whitespace-nowrap [&_svg]:size-3", {
  variants: {
    tone: {
      neutral: "bg-muted text-muted-foreground ring-border",
      primary: "bg-accent text-primary ring-primary/25",
      done: "bg-done/10 text-done ring-done/25",
      skipped: "bg-skipped/10 text-skipped ring-skipped/30",
      reverted: "bg-reverted/10 text-reverted ring-reverted/25",
      pending: "bg-muted text-muted-foreground ring-border",
      warning: "bg-amber-500/10 text-amber-600 ring-amber-500/30 dark:text-amber-400",
      sky: "bg-sky-500/10 text-sky-700 ring-sky-500/25 dark:text-sky-300",
      violet: "bg-violet-500/10 text-violet-700 ring-violet-500/25 dark:text-violet-300",
      rose: "bg-rose-500/10 text-rose-700 ring-rose-500/25 dark:text-rose-300",
    },
  },
  defaultVariants: { tone: "neutral" },
});

export type BadgeTone = NonNullable<VariantProps<typeof badgeVariants>["tone"]>;

export function Badge({ className, tone, ...props }: HTMLAttributes<HTMLSpanElement> & VariantProps<typeof badgeVariants>) {
  return <span className={cn(badgeVariants({ tone }), className)} {...props} />;
}
