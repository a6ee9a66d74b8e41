/**
 * Who may do what through the gateway: `dispositivo` keys only send readings
 * (optionally for bound serials), `facturacion` keys are billing staff,
 * `admin` keys may do everything.
 */
export const ROLES = ['dispositivo', 'facturacion', 'admin'] as const;
export type Role = (typeof ROLES)[number];
