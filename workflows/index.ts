/** The workflow bundle's entry: every workflow type the Switchyard worker serves. */
export { interpreter } from './interpreter/interpreter';
