import { SocialSignupForm } from '../../../components/auth/social-signup-form.tsx';
import { titledPage, titleMetadata } from '../../../components/titled-page.tsx';

export const generateMetadata = titleMetadata('socialSignup.title');

/** Finishing a social sign-up: the ticket and email come from /auth/complete (session storage). */
export default titledPage('socialSignup.title', SocialSignupForm);
