export { Button, type ButtonProps } from './Button';
export { TextField, type TextFieldProps } from './TextField';
export { Select, type SelectOption, type SelectProps } from './Select';
export { Table, type Column, type TableProps } from './Table';
export { Pager, type PagerProps } from './Pager';
export { StatusBadge } from './StatusBadge';
export { ToastProvider, useToast, useErrorMessage, Alert, type ToastKind } from './Toast';
export { Spinner } from './Spinner';
export { ScreenTitle } from './ScreenTitle';
