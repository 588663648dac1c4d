/** A post as its stream holds it: not defined, vacant, or filled since a day. */
import type { PostEvent } from './events'

/** A post's state: what its events fold to, and what its commands are decided on. */
export type PostState =
  | { readonly status: 'none' }
  | { readonly status: 'vacant' }
  | { readonly status: 'filled'; readonly holderRef: string; readonly from: string }

export const initialPost: PostState = { status: 'none' }

export const evolvePost = (s: PostState, e: PostEvent): PostState => {
  switch (e.type) {
    case 'partnerships.PostDefined':
      return { status: 'vacant' }
    case 'partnerships.PostFilled':
      return { status: 'filled', holderRef: e.data.holderRef, from: e.data.from }
    case 'partnerships.PostVacated':
      return s.status === 'none' ? s : { status: 'vacant' }
  }
}
