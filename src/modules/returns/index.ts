// The returns module's public surface.
export { requestReturn, approveReturn, rejectReturn, receiveReturn, getReturn, listReturns } from "./service";
export { OrderReturn, RequestReturnInput, ReceiveReturnInput } from "./schemas";
