/** Settings panel over the engine's rhythm options (defaults, validation, maps-vs-instant). */
export { SettingsPanel, type SettingsPanelProps } from './SettingsPanel';
export {
  optionFields,
  validateDrafts,
  changeKind,
  toDrafts,
  GROUPS,
  type OptionField,
  type Validation,
  type ChangeKind,
} from './schema';
