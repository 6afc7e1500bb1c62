/** Labelled text fields with a hint and an error line, for the connect dialog's forms. */
import { h, uid } from '../../dom';

export interface Field {
  wrapper: HTMLElement;
  input: HTMLInputElement;
  setError: (message: string | undefined) => void;
  /** Marks the field required or optional (a field whose need depends on another choice). */
  setRequired: (required: boolean) => void;
  /** Replaces the hint's text (a field given a hint at creation). */
  setHint: (text: string) => void;
}

export function textField(
  label: string,
  type: string,
  options: { required?: boolean; placeholder?: string; hint?: string; autocomplete?: string } = {},
): Field {
  const id = uid('field');
  const hintId = uid('hint');
  const errId = uid('err');
  const input = h('input', {
    id,
    type,
    class: 'input',
    required: options.required === true,
    'aria-required': options.required === true ? 'true' : undefined,
    placeholder: options.placeholder,
    autocomplete: options.autocomplete,
    spellcheck: 'false',
    'aria-describedby': options.hint !== undefined ? `${hintId} ${errId}` : errId,
  });
  const error = h('p', { id: errId, class: 'field-error' });
  error.hidden = true;
  const requiredMark = h('span', { class: 'required', 'aria-hidden': 'true', title: 'Required' }, '*');
  const optionalMark = h('span', { class: 'optional' }, 'optional');
  const setRequired = (required: boolean) => {
    input.required = required;
    if (required) input.setAttribute('aria-required', 'true');
    else input.removeAttribute('aria-required');
    requiredMark.hidden = !required;
    optionalMark.hidden = required;
  };
  const hint = options.hint !== undefined ? h('p', { id: hintId, class: 'field-hint' }, options.hint) : null;
  const wrapper = h('div', { class: 'field' }, [
    // The required mark sits outside the <label> so the field's name stays exactly `label`.
    h('div', { class: 'field-head' }, [h('label', { for: id, class: 'field-label' }, label), requiredMark, optionalMark]),
    input,
    hint,
    error,
  ]);
  setRequired(options.required === true);
  return {
    wrapper,
    input,
    setRequired,
    setHint(text) {
      if (hint !== null) hint.textContent = text;
    },
    setError(message) {
      error.textContent = message ?? '';
      error.hidden = message === undefined;
      if (message === undefined) input.removeAttribute('aria-invalid');
      else input.setAttribute('aria-invalid', 'true');
    },
  };
}

/** A dialog footer holding `children`. */
export function footer(children: (HTMLElement | null)[]): HTMLElement {
  const f = h('div', { class: 'dialog-footer' });
  for (const child of children) if (child !== null) f.appendChild(child);
  return f;
}
