/** What the metrics updater needs of a registration. */
export interface UpdatableRegistration {
  update(): void;
}

/** Registrations not yet unregistered, in registration order (read by the metrics updater). */
export const liveRegistrations = new Set<UpdatableRegistration>();
