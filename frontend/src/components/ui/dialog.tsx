import type { ReactNode } from "react";
import { Dialog as D, AlertDialog as AD } from "radix-ui";
import { X } from "lucide-react";
import { cn } from "@/lib/utils";
import { useFrozen } from "@/lib/frozen";
import { Button } from "./button";
import { FrozenFields } from "./frozen-fields";

const overlay = "fixed inset-0 z-40 bg-black/40 backdrop-blur-[1px] data-[state=open]:animate-in data-[state=open]:fade-in";

/** Overlay dims the window behind a dialog. It is a plain element, not
 * Radix's: that one locks the page's scroll by adding a style sheet, which
 * makes the browser restyle every element of the page behind (3,000-5,000
 * for a matrix: 60-110 ms each time a dialog or panel opens). Shipdeck's
 * page does not scroll as a whole, so there is nothing to lock. Pointer
 * events: Radix turns them off on the body while a dialog is open; a click
 * here must still land (it closes a dialog that closes from outside). It is
 * rendered only while its dialog is open (inside the dialog's portal). */
function Overlay({ className }: { className: string }) {
  return <div className={className} data-state="open" style={{ pointerEvents: "auto" }} aria-hidden />;
}

/** FrozenNote tells why a dialog's controls are disabled: it was open when
 * the team database went out of reach (lib/frozen). Closing stays possible. */
function FrozenNote() {
  return (
    <p role="status" className="mb-3 rounded-md border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-[13px] text-foreground">
      The team database is out of reach: nothing here can be changed until it is back.
    </p>
  );
}

/** returnFocus, when given, puts the focus back where the operator was
 * (a matrix cell, say) instead of on a trigger the dialog does not have. */
type ReturnFocus = { returnFocus?: () => void };

const closeFocus = (returnFocus?: () => void) =>
  returnFocus
    ? (e: Event) => {
        e.preventDefault();
        returnFocus();
      }
    : undefined;

export function Dialog({ open, onOpenChange, title, description, children, footer, className, returnFocus }: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  className?: string;
} & ReturnFocus) {
  // A dialog opened from a page is frozen with it while the team database is
  // out of reach; it is a portal, outside the page's FrozenFields, so it
  // disables its own body and footer (its close button and Esc still work).
  const frozen = useFrozen();
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <Overlay className={overlay} />
        <D.Content
          onCloseAutoFocus={closeFocus(returnFocus)}
          className={cn(
            "fixed left-1/2 top-1/2 z-50 flex max-h-[85vh] w-[min(560px,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 flex-col rounded-xl border border-border bg-card shadow-2xl outline-none",
            className,
          )}
        >
          <div className="flex items-start justify-between gap-4 border-b border-border px-5 py-4">
            <div className="grid gap-1">
              <D.Title className="text-[15px] font-semibold tracking-tight">{title}</D.Title>
              {description ? <D.Description className="text-[13px] text-muted-foreground">{description}</D.Description> : <D.Description className="sr-only">{typeof title === "string" ? title : "Dialog"}</D.Description>}
            </div>
            <D.Close asChild>
              <Button variant="ghost" size="icon-sm" aria-label="Close">
                <X />
              </Button>
            </D.Close>
          </div>
          <div className="min-h-0 flex-1 overflow-auto px-5 py-4">
            {frozen && <FrozenNote />}
            <FrozenFields>{children}</FrozenFields>
          </div>
          {footer && (
            <div className="flex justify-end gap-2 border-t border-border bg-muted/40 px-5 py-3">
              <FrozenFields>{footer}</FrozenFields>
            </div>
          )}
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}

/** ConfirmDialog asks before a destructive or weighty action. */
export function ConfirmDialog({ open, onOpenChange, title, description, confirmLabel, destructive, onConfirm, busy, children, returnFocus }: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  destructive?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  children?: ReactNode;
} & ReturnFocus) {
  const frozen = useFrozen();
  return (
    <AD.Root open={open} onOpenChange={onOpenChange}>
      <AD.Portal>
        <Overlay className={overlay} />
        <AD.Content onCloseAutoFocus={closeFocus(returnFocus)} className="fixed left-1/2 top-1/2 z-50 w-[min(440px,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 rounded-xl border border-border bg-card p-5 shadow-2xl outline-none">
          <AD.Title className="text-[15px] font-semibold tracking-tight">{title}</AD.Title>
          <AD.Description asChild>
            <div className="mt-2 text-[13px] leading-relaxed text-muted-foreground">{description}</div>
          </AD.Description>
          {children}
          {frozen && <div className="mt-4"><FrozenNote /></div>}
          <div className="mt-5 flex justify-end gap-2">
            <AD.Cancel asChild>
              <Button variant="outline">Cancel</Button>
            </AD.Cancel>
            <Button variant={destructive ? "destructive" : "default"} disabled={busy || frozen} onClick={onConfirm}>
              {confirmLabel}
            </Button>
          </div>
        </AD.Content>
      </AD.Portal>
    </AD.Root>
  );
}

/** Sheet is a panel that slides in from the right. */
export function Sheet({ open, onOpenChange, title, description, children, className, returnFocus }: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  className?: string;
} & ReturnFocus) {
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <Overlay className="fixed inset-0 z-40 bg-black/25" />
        <D.Content onCloseAutoFocus={closeFocus(returnFocus)} className={cn("fixed inset-y-0 right-0 z-50 flex w-[min(680px,100vw)] flex-col border-l border-border bg-card shadow-2xl outline-none", className)}>
          <div className="flex items-start justify-between gap-4 border-b border-border px-5 py-4">
            <div className="grid min-w-0 gap-1">
              <D.Title className="truncate text-[15px] font-semibold tracking-tight">{title}</D.Title>
              {description ? <D.Description asChild><div className="text-[13px] text-muted-foreground">{description}</div></D.Description> : <D.Description className="sr-only">Details</D.Description>}
            </div>
            <D.Close asChild>
              <Button variant="ghost" size="icon-sm" aria-label="Close panel">
                <X />
              </Button>
            </D.Close>
          </div>
          <div className="flex min-h-0 flex-1 flex-col">{children}</div>
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
