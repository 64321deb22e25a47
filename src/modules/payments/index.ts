export { paymentProvider, manualPayment, DEFAULT_PAYMENT_PROVIDER, type PaymentProvider } from "./provider";
