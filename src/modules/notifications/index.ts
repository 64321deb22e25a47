// The notifications module's public surface: transactional email.
export { notificationsEmail } from "./handler";
export { emailProvider, logEmailProvider, cloudflareEmailProvider, type EmailProvider, type OutgoingEmail } from "./provider";
export { formatMoney, orderConfirmation, shipment, refund, passwordReset, type Email } from "./templates";
