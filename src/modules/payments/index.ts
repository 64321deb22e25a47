// The payments module's public surface.
export { configuredProvider, captureMethod, MANUAL, STRIPE, type PaymentProvider, type ProviderIntent } from "./provider";
export { provideOrdersToPayments, type OrdersPort } from "./orders-port";
export {
  startPayment,
  retryPayment,
  refreshPayment,
  capturePayment,
  voidPayment,
  refundPayment,
  manualCapturePlan,
  settlePaymentForCancel,
  paymentStatusFor,
  paymentsForOrders,
  handleStripeWebhook,
  providerKey,
  type RefundOutcome,
  type WebhookOutcome,
} from "./service";
export { derivePaymentStatus } from "./status";
export { toPaymentAttempt, toOperation } from "./views";
export { PaymentAttempt, PaymentOperation, CaptureInput, RefundInput, RefundResult, WebhookReceipt } from "./schemas";
