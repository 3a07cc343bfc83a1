import { useState, type FormEvent, type KeyboardEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, Textarea } from "@/components/ui/input";

/** ReasonDialog asks for the reason of a skip or a hold. Enter submits
 * (Shift+Enter starts a new line); the check is a courtesy — the Go side
 * refuses an empty reason with the same sentence. */
export function ReasonDialog({ title, description, label, placeholder, submit, required = "A reason is required.", onSubmit, onClose, returnFocus }: {
  title: string;
  description: string;
  label: string;
  placeholder: string;
  submit: string;
  required?: string;
  onSubmit: (reason: string) => void;
  onClose: () => void;
  returnFocus?: () => void;
}) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState("");
  const send = (e?: FormEvent) => {
    e?.preventDefault();
    if (!reason.trim()) setError(required);
    else onSubmit(reason.trim());
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) send(e as unknown as FormEvent);
  };
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={title}
      description={description}
      returnFocus={returnFocus}
      footer={
        <>
          <Button variant="outline" onClick={onClose}>Cancel</Button>
          <Button type="submit" form="reason-form">{submit}</Button>
        </>
      }
    >
      <form id="reason-form" onSubmit={send}>
        <Field label={label} htmlFor="reason" error={error} hint="Enter to confirm, Shift+Enter for a new line.">
          <Textarea id="reason" value={reason} onChange={(e) => { setReason(e.target.value); setError(""); }} onKeyDown={onKeyDown} autoFocus placeholder={placeholder} aria-invalid={!!error} />
        </Field>
      </form>
    </Dialog>
  );
}
