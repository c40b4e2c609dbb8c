/** Token strip and the token helpers shared by the rhythm and credit views. */
export { TokenStrip, type TokenStripProps } from './TokenStrip';
export { inSpan, type TokenLinkProps } from './link';
export { displayToken, tokenLabel, type TokenDisplay } from './display';
export { ROLES, roleCounts, rolesAt, type RoleId, type RoleStyle } from './roles';
export {
  availableSignals,
  signalValues,
  signalDomainFor,
  STRATEGY_LABELS,
  formatValue,
  type SignalId,
  type SignalDef,
} from './signals';
export { tokenDetails, describeRoles, navigate, type TokenDetails } from './details';
