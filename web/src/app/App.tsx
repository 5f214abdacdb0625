import { useState } from 'react';
import { RouterProvider } from 'react-router-dom';
import { ToastProvider } from '../ui/Toast';
import { AuthProvider } from './auth';
import { createAppRouter } from './routes';

/** The whole app: who is signed in, the message region, and the router. */
export function App() {
  const [router] = useState(createAppRouter);
  return (
    <AuthProvider>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </AuthProvider>
  );
}
