import { ClipboardGetText, ClipboardSetText } from "@wails/runtime/runtime";

export type EditCommand = "undo" | "redo" | "cut" | "copy" | "paste" | "selectAll";

type Field = HTMLInputElement | HTMLTextAreaElement;
const isField = (el: Element | null): el is Field =>
  el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && /^(text|search|url|email|password|number|)$/.test(el.type));

function selectedText(el: Element | null): string {
  if (isField(el) && el.selectionStart !== null && el.selectionEnd !== null) return el.value.slice(el.selectionStart, el.selectionEnd);
  return window.getSelection()?.toString() ?? "";
}

/** runEdit carries out an Edit menu item of Linux and Windows on the focused
 * field or the selection. Those items have no shortcuts (the web view's own
 * Ctrl+C and Ctrl+V already work), and a script may not read the clipboard,
 * so copy and paste go through the Wails clipboard. */
export async function runEdit(cmd: EditCommand) {
  const el = document.activeElement;
  const editable = isField(el) && !el.readOnly && !el.disabled;
  switch (cmd) {
    case "undo":
    case "redo":
      document.execCommand(cmd);
      return;
    case "selectAll":
      if (isField(el)) el.select();
      else document.execCommand("selectAll");
      return;
    case "copy":
    case "cut": {
      const text = selectedText(el);
      if (!text) return;
      await ClipboardSetText(text);
      if (cmd === "cut" && editable) document.execCommand("delete");
      return;
    }
    case "paste": {
      if (!editable) return;
      const text = await ClipboardGetText();
      // insertText goes through the field's own input events (React sees
      // the change) and its undo history.
      if (text) document.execCommand("insertText", false, text);
      return;
    }
  }
}
