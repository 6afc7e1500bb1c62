/** Labelled text fields with a hint and an error line, for the connect dialog's forms. */
import { h, uid } from '../../dom';

export interface Field {
  wrapper: HTMLElement;
  input: HTMLInputElement;
  setError: (message: string | undefined) => void;
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
  const wrapper = h('div', { class: 'field' }, [
    // The required mark sits outside the <label> so the field's name stays exactly `label`.
    h('div', { class: 'field-head' }, [
      h('label', { for: id, class: 'field-label' }, label),
      options.required === true ? h('span', { class: 'required', 'aria-hidden': 'true', title: 'Required' }, '*') : null,
      options.required !== true ? h('span', { class: 'optional' }, 'optional') : null,
    ]),
    input,
    options.hint !== undefined ? h('p', { id: hintId, class: 'field-hint' }, options.hint) : null,
    error,
  ]);
  return {
    wrapper,
    input,
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
